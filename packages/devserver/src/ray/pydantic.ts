import { PyRaw, pyRepr, pyStrOf, PyTuple } from '../python/py-repr.js';

/** A location inside the request body (`('applications', 0, 'name')` / `applications.0.name`). */
export type Loc = readonly (string | number)[];

/** Which pydantic validates Ray's schemas: v1 (Ray before 2.58 here) or v2 (Ray 2.58). */
export type PydanticEra = 1 | 2;

/** One validation error, with the message and type of the pydantic era that raised it. */
export interface PydanticError {
  loc: Loc;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
  /** The value that failed (v2 prints it as `input_value`). */
  input?: unknown;
}

/** Marker returned by a coercer when the value failed (its error is already recorded). */
export const FAIL: unique symbol = Symbol('pydantic-fail');
/** A coerced value, or {@link FAIL}. */
export type Coerced<T> = T | typeof FAIL;

/** The kinds of type errors the Serve schemas raise, with each era's type and message. */
const TYPE_ERRORS = {
  str: ['type_error.str', 'str type expected', 'string_type', 'Input should be a valid string'],
  int: [
    'type_error.integer',
    'value is not a valid integer',
    'int_type',
    'Input should be a valid integer',
  ],
  intParsing: [
    'type_error.integer',
    'value is not a valid integer',
    'int_parsing',
    'Input should be a valid integer, unable to parse string as an integer',
  ],
  intFromFloat: [
    'type_error.integer',
    'value is not a valid integer',
    'int_from_float',
    'Input should be a valid integer, got a number with a fractional part',
  ],
  float: [
    'type_error.float',
    'value is not a valid float',
    'float_type',
    'Input should be a valid number',
  ],
  floatParsing: [
    'type_error.float',
    'value is not a valid float',
    'float_parsing',
    'Input should be a valid number, unable to parse string as a number',
  ],
  bool: [
    'type_error.bool',
    'value could not be parsed to a boolean',
    'bool_type',
    'Input should be a valid boolean',
  ],
  boolParsing: [
    'type_error.bool',
    'value could not be parsed to a boolean',
    'bool_parsing',
    'Input should be a valid boolean, unable to interpret input',
  ],
  dict: [
    'type_error.dict',
    'value is not a valid dict',
    'dict_type',
    'Input should be a valid dictionary',
  ],
  list: [
    'type_error.list',
    'value is not a valid list',
    'list_type',
    'Input should be a valid list',
  ],
  missing: ['value_error.missing', 'field required', 'missing', 'Field required'],
  extra: [
    'value_error.extra',
    'extra fields not permitted',
    'extra_forbidden',
    'Extra inputs are not permitted',
  ],
} as const;

/** A type error kind of {@link ErrorSink.typeError}. */
export type TypeErrorKind = keyof typeof TYPE_ERRORS;

/** Collects errors in the order pydantic would report them, worded as its era words them. */
export class ErrorSink {
  public readonly errors: PydanticError[] = [];

  public constructor(public readonly era: PydanticEra = 1) {}

  /** Records an error as given (both eras). */
  public add(
    loc: Loc,
    msg: string,
    type: string,
    ctx?: Record<string, unknown>,
    input?: unknown,
  ): typeof FAIL {
    const error: PydanticError = { loc, msg, type };
    if (ctx !== undefined) error.ctx = ctx;
    if (input !== undefined) error.input = input;
    this.errors.push(error);
    return FAIL;
  }

  /** Records a type error (or a missing field, or an extra one) of this era. */
  public typeError(loc: Loc, kind: TypeErrorKind, input: unknown): typeof FAIL {
    const [v1Type, v1Msg, v2Type, v2Msg] = TYPE_ERRORS[kind];
    return this.era === 1
      ? this.add(loc, v1Msg, v1Type, undefined, input)
      : this.add(loc, v2Msg, v2Type, undefined, input);
  }

  /** Records a `ValueError` raised by a validator (v2 prefixes `Value error, `). */
  public valueError(loc: Loc, msg: string, input?: unknown): typeof FAIL {
    return this.add(
      loc,
      this.era === 1 ? msg : `Value error, ${msg}`,
      'value_error',
      undefined,
      input,
    );
  }

  /**
   * Records a model (root) validator's `ValueError`: v1 reports it at `<model>.__root__`, v2 at
   * the model itself.
   */
  public modelError(modelLoc: Loc, msg: string, input: unknown): typeof FAIL {
    return this.valueError(this.era === 1 ? [...modelLoc, '__root__'] : modelLoc, msg, input);
  }
}

/** Formats errors as pydantic v1's `repr(ValidationError)`, which Ray sent as the 400 body. */
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

function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** pydantic-core shortens a long `input_value` repr to its first 25 and last 24 characters. */
function shortRepr(value: unknown): string {
  const text = pyRepr(value);
  return text.length > 50 ? `${text.slice(0, 25)}...${text.slice(-24)}` : text;
}

/**
 * Formats errors as pydantic v2's `str(ValidationError)`, which Ray 2.58 sends as the 400 body:
 * a count line, then per error its dotted location (none for the model itself), the message
 * with type and input, and pydantic's help link.
 */
export function formatValidationErrorV2(model: string, errors: readonly PydanticError[]): string {
  const lines = [`${errors.length} validation error${errors.length === 1 ? '' : 's'} for ${model}`];
  for (const e of errors) {
    if (e.loc.length > 0) lines.push(e.loc.join('.'));
    lines.push(
      `  ${e.msg} [type=${e.type}, input_value=${shortRepr(e.input)}, input_type=${pythonType(e.input)}]`,
    );
    lines.push(`    For further information visit https://errors.pydantic.dev/2.14/v/${e.type}`);
  }
  return lines.join('\n');
}

/** True for a plain JSON object. */
export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `str`: v1 converts numbers and booleans with Python's `str()`; v2 takes strings only. */
export function coerceStr(sink: ErrorSink, v: unknown, loc: Loc): Coerced<string> {
  if (typeof v === 'string') return v;
  if (sink.era === 1) {
    if (typeof v === 'number') return pyRepr(v);
    if (typeof v === 'boolean') return v ? 'True' : 'False';
  }
  return sink.typeError(loc, 'str', v);
}

const INT_TEXT = /^\s*[+-]?\d+(_\d+)*\s*$/;

/**
 * `int`: v1 is Python's `int(v)` (`true` → 1, `1.5` → 1, `"2"` → 2); v2's lax mode takes
 * booleans, integral floats and integer strings, and refuses fractions.
 */
export function coerceInt(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (sink.era === 2 && !Number.isInteger(v)) return sink.typeError(loc, 'intFromFloat', v);
    return Math.trunc(v);
  }
  if (typeof v === 'string') {
    if (INT_TEXT.test(v)) return Number.parseInt(v.replace(/_/g, ''), 10);
    return sink.typeError(loc, sink.era === 1 ? 'int' : 'intParsing', v);
  }
  return sink.typeError(loc, 'int', v);
}

/** `StrictInt` (v1) / a strict `int` (v2): only integers, no booleans or strings. */
export function coerceStrictInt(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return sink.typeError(loc, 'int', v);
}

/** `float`: Python's `float(v)` (both eras accept numeric strings and booleans). */
export function coerceFloat(sink: ErrorSink, v: unknown, loc: Loc): Coerced<number> {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (/^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
    if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/.test(t)) return Number.NaN;
    return sink.typeError(loc, sink.era === 1 ? 'float' : 'floatParsing', v);
  }
  return sink.typeError(loc, 'float', v);
}

const BOOL_TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const BOOL_FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** `bool`. */
export function coerceBool(sink: ErrorSink, v: unknown, loc: Loc): Coerced<boolean> {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === 'string') {
    const t = v.toLowerCase();
    if (BOOL_TRUE.has(t)) return true;
    if (BOOL_FALSE.has(t)) return false;
  }
  return sink.typeError(
    loc,
    typeof v === 'string' || typeof v === 'number' ? 'boolParsing' : 'bool',
    v,
  );
}

/** `dict`. */
export function coerceDict(
  sink: ErrorSink,
  v: unknown,
  loc: Loc,
): Coerced<Record<string, unknown>> {
  if (isDict(v)) return v;
  return sink.typeError(loc, 'dict', v);
}

/** `list`. */
export function coerceList(sink: ErrorSink, v: unknown, loc: Loc): Coerced<unknown[]> {
  if (Array.isArray(v)) return v;
  return sink.typeError(loc, 'list', v);
}

/** `List[str]`. */
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

/** A number constraint (`gt`, `ge`, `le`), with each era's message and error type. */
export function checkNumber(
  sink: ErrorSink,
  value: number,
  loc: Loc,
  limits: { gt?: number; ge?: number; le?: number },
): Coerced<number> {
  const fail = (limit: number, v1: [string, string], v2: [string, string]): typeof FAIL =>
    sink.era === 1
      ? sink.add(loc, `${v1[1]} ${limit}`, v1[0], { limit_value: limit }, value)
      : sink.add(loc, `${v2[1]} ${limit}`, v2[0], undefined, value);
  if (limits.gt !== undefined && !(value > limits.gt)) {
    return fail(
      limits.gt,
      ['value_error.number.not_gt', 'ensure this value is greater than'],
      ['greater_than', 'Input should be greater than'],
    );
  }
  if (limits.ge !== undefined && !(value >= limits.ge)) {
    return fail(
      limits.ge,
      ['value_error.number.not_ge', 'ensure this value is greater than or equal to'],
      ['greater_than_equal', 'Input should be greater than or equal to'],
    );
  }
  if (limits.le !== undefined && !(value <= limits.le)) {
    return fail(
      limits.le,
      ['value_error.number.not_le', 'ensure this value is less than or equal to'],
      ['less_than_equal', 'Input should be less than or equal to'],
    );
  }
  return value;
}

/** An `Enum` field of a `(str, Enum)` class. */
export function coerceEnum<T extends string>(
  sink: ErrorSink,
  v: unknown,
  loc: Loc,
  enumName: string,
  members: readonly T[],
): Coerced<T> {
  const hit = members.find((m) => m === v);
  if (hit !== undefined) return hit;
  if (sink.era === 2) {
    const quoted = members.map((m) => `'${m}'`);
    const listed = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
    return sink.add(loc, `Input should be ${listed}`, 'enum', undefined, v);
  }
  return sink.add(
    loc,
    `value is not a valid enumeration member; permitted: ${members.map((m) => pyRepr(m)).join(', ')}`,
    'type_error.enum',
    { enum_values: members.map((m) => new PyRaw(`<${enumName}.${m}: ${pyRepr(m)}>`)) },
    v,
  );
}

/** Description of one model field for {@link parseModel}. */
export interface FieldSpec {
  name: string;
  required?: boolean;
  /** Whether `null` is accepted (an `Optional[...]` field, or a `None` default in v1). */
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
 * `forbidExtra`; ignored extras are dropped from `values`.
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
        sink.typeError(fieldLoc, 'missing', input);
        failed.add(field.name);
      }
      continue;
    }
    const raw = input[field.name];
    if (raw === null && field.allowNone) {
      values[field.name] = null;
      continue;
    }
    if (raw === null && sink.era === 1) {
      sink.add(fieldLoc, 'none is not an allowed value', 'type_error.none.not_allowed');
      failed.add(field.name);
      continue;
    }
    // v2 validates null like any other value: a dict field says "Input should be a valid dictionary".
    const parsed = field.parse(sink, raw, fieldLoc);
    if (parsed === FAIL) failed.add(field.name);
    else values[field.name] = parsed;
  }
  if (forbidExtra) {
    const known = new Set(fields.map((f) => f.name));
    for (const key of Object.keys(input)) {
      if (!known.has(key)) sink.typeError([...loc, key], 'extra', input[key]);
    }
  }
  return { values, failed };
}

/** Runs a nested model parse for a field typed with model `model`. */
export function modelField(
  model: string,
  parse: (
    sink: ErrorSink,
    input: Record<string, unknown>,
    loc: Loc,
  ) => Coerced<Record<string, unknown>>,
): (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown> {
  return (sink, value, loc) => {
    if (!isDict(value)) {
      if (sink.era === 1) return sink.typeError(loc, 'dict', value);
      return sink.add(
        loc,
        `Input should be a valid dictionary or instance of ${model}`,
        'model_type',
        undefined,
        value,
      );
    }
    return parse(sink, value, loc);
  };
}

/** A member of a `Union[...]`; `tag` is how v2 names it in error locations (`constrained-int`). */
export interface UnionMember {
  tag: string;
  parse: (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown>;
}

/**
 * Tries the members of a `Union[...]` in order; when all fail, reports every member's errors
 * (v2 appends each member's tag to the location).
 */
export function unionOf(
  ...members: UnionMember[]
): (sink: ErrorSink, value: unknown, loc: Loc) => Coerced<unknown> {
  return (sink, value, loc) => {
    const collected: PydanticError[] = [];
    for (const member of members) {
      const trial = new ErrorSink(sink.era);
      const memberLoc = sink.era === 1 ? loc : [...loc, member.tag];
      const out = member.parse(trial, value, memberLoc);
      if (out !== FAIL) return out;
      collected.push(...trial.errors);
    }
    sink.errors.push(...collected);
    return FAIL;
  };
}

/** Python's `str()` of a parsed value, for messages. */
export { pyStrOf };
