// A benchmark result row: a measured value, its goal, and the generous bound CI enforces.

/**
 * @typedef {object} Bound
 * @property {'<=' | '>='} op
 * @property {number} limit
 */

/**
 * @typedef {object} Row
 * @property {string} group       e.g. 'Packaging'
 * @property {string} workload    what was measured
 * @property {string} ours        the project's figure, formatted
 * @property {string} anchor      the anchors' figures, formatted ('—' if none)
 * @property {string} ratio       the compared quantity, formatted (e.g. '4.1× faster')
 * @property {number} value       the compared quantity as a number
 * @property {Bound & {text: string}} goal
 * @property {Bound} ci           CI fails only outside this bound
 * @property {string} [part]      who delivers the goal when it is not met yet
 */

export function within(value, bound) {
  return bound.op === '<=' ? value <= bound.limit : value >= bound.limit;
}

/** Builds a row; `goal` and `ci` are `[op, limit]` pairs. */
export function row({
  group,
  workload,
  ours,
  anchor = '—',
  ratio,
  value,
  goal,
  goalText,
  ci,
  part,
}) {
  return {
    group,
    workload,
    ours,
    anchor,
    ratio,
    value,
    goal: { op: goal[0], limit: goal[1], text: goalText },
    ci: { op: ci[0], limit: ci[1] },
    ...(part ? { part } : {}),
  };
}

export const fmt = {
  us: (v) =>
    v >= 100 ? `${v.toFixed(0)} µs` : v >= 10 ? `${v.toFixed(1)} µs` : `${v.toFixed(2)} µs`,
  s: (v) => (v >= 10 ? `${v.toFixed(1)} s` : `${v.toFixed(2)} s`),
  ms: (v) => `${Math.round(v * 1000)} ms`,
  mib: (v) => `${v.toFixed(1)} MiB`,
  kib: (bytes) => `${(bytes / 1024).toFixed(1)} KiB`,
  x: (v) => `${v >= 10 ? v.toFixed(0) : v.toFixed(2)}×`,
};
