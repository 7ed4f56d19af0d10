import { PyRaw, PyTuple, pyRepr, pyStrOf } from '../python/py-repr.js';

/** A location inside the request body, as pydantic v1 reports it (`('applications', 0, 'name')`). */
export type Loc = readonly (string | number)[];

/** One entry of a pydantic v1 `ValidationError.errors()` list. */
export interface PydanticError {
  loc: Loc;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

/** Marker returned by a coercer when the value failed (its error is already recorded). */
export const FAIL: unique symbol = Symbol('pydantic-fail');
/** A coerced value, or {@link FAIL}. */
export type Coerced<T> = T | typeof FAIL;

/** Collects errors in the order pydantic v1 would report them. */
export class ErrorSink {
  public readonly errors: PydanticError[] = [];

  public add(loc: Loc, msg: string, type: string, ctx?: Record<string, unknown>): typeof FAIL {
    this.errors.push(ctx === undefined ? { loc, msg, type } : { loc, msg, type, ctx });
    return FAIL;
  }

  /** Records a `ValueError` raised by a validator. */
  public valueError(loc: Loc, msg: string): typeof FAIL {
    return this.add(loc, msg, 'value_error');
  }
}

/** Formats errors as pydantic v1's `repr(ValidationError)`, which Ray sends as the 400 body. */
export function formatValidationError(model: string, errors: readonly PydanticError[]): string {
  const items = errors.map((e) => {
    const parts = [
      `'loc': ${pyRepr(new PyTuple(e.loc))}`,
      `'msg': ${pyRepr(e.msg)}`,
      `'type': ${pyRepr(e.type)}`,
    ];
    if (e.ctx !== undefined) parts.push(`'ctx': ${pyRepr(e.ctx)}`);
    return `{${parts.join(', ')}}`;
  });
  return `ValidationError(model=${pyRepr(model)}, errors=[${items.join(', ')}])`;
}

/** True for a plain JSON object. */
export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** pydantic v1 `str`: strings pass, numbers and booleans are converted with Python's `str()`. */
export function coerceStr(sink: ErrorSink, v: unknown, loc: Loc): Coerced<string> {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pyRepr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return sink.add(loc, 'str type expected', 'type_error.str');
}

/** pydantic v1 `int`: Python's `int(v)` (so `true` → 1, `1.5` → 1, `"2"` → 2). */
export function coerceInt(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+(_\d+)*\s*$/.test(v))
    return Number.parseInt(v.replace(/_/g, ''), 10);
  return sink.add(loc, 'value is not a valid integer', 'type_error.integer');
}

/** pydantic v1 `StrictInt`: only integers, no booleans or strings. */
export function coerceStrictInt(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return sink.add(loc, 'value is not a valid integer', 'type_error.integer');
}

/** pydantic v1 `float`: Python's `float(v)`. */
export function coerceFloat(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
    if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(t)) return Number.NaN;
  }
  return sink.add(loc, 'value is not a valid float', 'type_error.float');
}

const BOOL_TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const BOOL_FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** pydantic v1 `bool`. */
export function coerceBool(sink: ErrorSink, v: unknown, loc: Loc): Coerced<boolean> {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const t = v.toLowerCase();
    if (BOOL_TRUE.has(t)) return true;
    if (BOOL_FALSE.has(t)) return false;
  }
  return sink.add(loc, 'value could not be parsed to a boolean', 'type_error.bool');
}

/** pydantic v1 `dict`. */
export function coerceDict(
  sink: ErrorSink,
  v: unknown,
  loc: Loc,
): Coerced<Record<string, unknown>> {
  if (isDict(v)) return v;
  return sink.add(loc, 'value is not a valid dict', 'type_error.dict');
}

/** pydantic v1 `list`. */
export function coerceList(sink: ErrorSink, v: unknown, loc: Loc): Coerced<unknown[]> {
  if (Array.isArray(v)) return v;
  return sink.add(loc, 'value is not a valid list', 'type_error.list');
}

/** pydantic v1 `List[str]`. */
export function coerceStrList(sink: ErrorSink, v: unknown, loc: Loc): Coerced<string[]> {
  const list = coerceList(sink, v, loc);
  if (list === FAIL) return FAIL;
  const out: string[] = [];
  let failed = false;
  list.forEach((item, i) => {
    const s = coerceStr(sink, item, [...loc, i]);
    if (s === FAIL) failed = true;
    else out.push(s);
  });
  return failed ? FAIL : out;
}

/** A number constraint (`gt`, `ge`, `le`), with pydantic v1's message and error type. */
export function checkNumber(
  sink: ErrorSink,
  value: number,
  loc: Loc,
  limits: { gt?: number; ge?: number; le?: number },
): Coerced<number> {
  if (limits.gt !== undefined && !(value > limits.gt)) {
    return sink.add(
      loc,
      `ensure this value is greater than ${limits.gt}`,
      'value_error.number.not_gt',
      {
        limit_value: limits.gt,
      },
    );
  }
  if (limits.ge !== undefined && !(value >= limits.ge)) {
    return sink.add(
      loc,
      `ensure this value is greater than or equal to ${limits.ge}`,
      'value_error.number.not_ge',
      {
        limit_value: limits.ge,
      },
    );
  }
  if (limits.le !== undefined && !(value <= limits.le)) {
    return sink.add(
      loc,
      `ensure this value is less than or equal to ${limits.le}`,
      'value_error.number.not_le',
      {
        limit_value: limits.le,
      },
    );
  }
  return value;
}

/** pydantic v1 `Enum` field of a `(str, Enum)` class. */
export function coerceEnum<T extends string>(
  sink: ErrorSink,
  v: unknown,
  loc: Loc,
  enumName: string,
  members: readonly T[],
): Coerced<T> {
  const hit = members.find((m) => m === v);
  if (hit !== undefined) return hit;
  return sink.add(
    loc,
    `value is not a valid enumeration member; permitted: ${members.map((m) => pyRepr(m)).join(', ')}`,
    'type_error.enum',
    { enum_values: members.map((m) => new PyRaw(`<${enumName}.${m}: ${pyRepr(m)}>`)) },
  );
}

/** Description of one model field for {@link parseModel}. */
export interface FieldSpec {
  name: string;
  required?: boolean;
  /** Whether `null` is accepted (pydantic v1: `Optional[...]` or a `None` default). */
  allowNone?: boolean;
  parse: (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown>;
}

/** Result of {@link parseModel}: the fields that were sent and validated (`exclude_unset`). */
export interface ParsedModel {
  values: Record<string, unknown>;
  /** Fields that were sent but failed; root validators see them as absent. */
  failed: Set<string>;
}

/**
 * Validates a dict against field specs in declaration order, then reports extra keys when
 * `forbidExtra` (pydantic v1 `Extra.forbid`); ignored extras are dropped from `values`.
 */
export function parseModel(
  sink: ErrorSink,
  input: Record<string, unknown>,
  loc: Loc,
  fields: readonly FieldSpec[],
  forbidExtra: boolean,
): ParsedModel {
  const values: Record<string, unknown> = {};
  const failed = new Set<string>();
  for (const field of fields) {
    const fieldLoc = [...loc, field.name];
    if (!Object.hasOwn(input, field.name)) {
      if (field.required) {
        sink.add(fieldLoc, 'field required', 'value_error.missing');
        failed.add(field.name);
      }
      continue;
    }
    const raw = input[field.name];
    if (raw === null) {
      if (field.allowNone) values[field.name] = null;
      else {
        sink.add(fieldLoc, 'none is not an allowed value', 'type_error.none.not_allowed');
        failed.add(field.name);
      }
      continue;
    }
    const parsed = field.parse(sink, raw, fieldLoc);
    if (parsed === FAIL) failed.add(field.name);
    else values[field.name] = parsed;
  }
  if (forbidExtra) {
    const known = new Set(fields.map((f) => f.name));
    for (const key of Object.keys(input)) {
      if (!known.has(key))
        sink.add([...loc, key], 'extra fields not permitted', 'value_error.extra');
    }
  }
  return { values, failed };
}

/** Runs a nested model parse for a model-typed field. */
export function modelField(
  parse: (
    sink: ErrorSink,
    input: Record<string, unknown>,
    loc: Loc,
  ) => Coerced<Record<string, unknown>>,
): (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown> {
  return (sink, value, loc) => {
    const dict = coerceDict(sink, value, loc);
    return dict === FAIL ? FAIL : parse(sink, dict, loc);
  };
}

/** Tries the members of a `Union[...]` in order; reports every member's error when all fail. */
export function unionOf(
  ...members: ((sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown>)[]
): (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown> {
  return (sink, value, loc) => {
    const collected: PydanticError[] = [];
    for (const member of members) {
      const trial = new ErrorSink();
      const out = member(trial, value, loc);
      if (out !== FAIL) return out;
      collected.push(...trial.errors);
    }
    sink.errors.push(...collected);
    return FAIL;
  };
}

/** Python's `str()` of a parsed value, for messages. */
export { pyStrOf };
