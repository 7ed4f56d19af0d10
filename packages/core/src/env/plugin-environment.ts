import { ConfigError } from '../errors/errors.js';
import { parseDuration } from './duration.js';

const TRUE_VALUES = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES = new Set(['false', '0', 'no', 'off', '']);

/**
 * Read-only view of the environment an action runs in, with typed accessors like the Python
 * SDK's `PluginEnvironment`. Parsing errors name the variable and the value that was wrong.
 */
export class PluginEnvironment {
  private readonly values: Readonly<Record<string, string>>;

  public constructor(values: Readonly<Record<string, string | undefined>> = {}) {
    const clean: Record<string, string> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value !== undefined) clean[key] = value;
    }
    this.values = Object.freeze(clean);
  }

  /** A snapshot of `process.env` (or of `env`). */
  public static fromEnviron(env: NodeJS.ProcessEnv = process.env): PluginEnvironment {
    return new PluginEnvironment(env);
  }

  /** True when `key` is set, even to an empty string. */
  public has(key: string): boolean {
    return Object.hasOwn(this.values, key);
  }

  /** The raw value, or `defaultValue` when unset. */
  public get(key: string): string | undefined;
  public get(key: string, defaultValue: string): string;
  public get(key: string, defaultValue?: string): string | undefined {
    return this.has(key) ? this.values[key] : defaultValue;
  }

  /** The value, or `defaultValue` when unset or empty. */
  public getStr(key: string): string | undefined;
  public getStr(key: string, defaultValue: string): string;
  public getStr(key: string, defaultValue?: string): string | undefined {
    const value = this.values[key];
    return value === undefined || value === '' ? defaultValue : value;
  }

  /** The value parsed as an integer; throws {@link ConfigError} when it is not one. */
  public getInt(key: string): number | undefined;
  public getInt(key: string, defaultValue: number): number;
  public getInt(key: string, defaultValue?: number): number | undefined {
    const value = this.getStr(key);
    if (value === undefined) return defaultValue;
    if (!/^[-+]?\d+$/.test(value.trim())) {
      throw new ConfigError(`environment variable ${key}`, `expected an integer, got '${value}'`);
    }
    return Number.parseInt(value, 10);
  }

  /**
   * The value as the id of a Synapse object (a job, a plugin release): a whole number above 0.
   * Set but blank is an error too, not "unset": an id that was meant to be there and is not
   * would send the run to the wrong place, or nowhere.
   * @throws ConfigError naming the variable and the value
   */
  public getId(key: string): number | undefined {
    const raw = this.values[key];
    if (raw === undefined) return undefined;
    if (!/^[1-9]\d*$/.test(raw.trim())) {
      const shown = raw.trim() === '' ? 'it is blank' : `got '${raw}'`;
      throw new ConfigError(
        `environment variable ${key}`,
        `expected an id, a whole number above 0 (e.g. 42); ${shown}`,
      );
    }
    return Number(raw.trim());
  }

  /**
   * The value read as a duration in milliseconds ({@link parseDuration}: `90`, `90s`, `10m`,
   * `1h30m`); undefined when unset. A value that is set must be one: blank is a mistake too.
   * @throws ConfigError naming the variable and the value
   */
  public getDuration(key: string): number | undefined {
    const raw = this.values[key];
    if (raw === undefined) return undefined;
    const ms = parseDuration(raw);
    if (ms === undefined) {
      throw new ConfigError(
        `environment variable ${key}`,
        `'${raw}' is not a duration; give seconds (90) or a duration such as 90s, 10m or 1h30m, at most 24h`,
      );
    }
    return ms;
  }

  /** The value parsed as a number; throws {@link ConfigError} when it is not one. */
  public getFloat(key: string): number | undefined;
  public getFloat(key: string, defaultValue: number): number;
  public getFloat(key: string, defaultValue?: number): number | undefined {
    const value = this.getStr(key);
    if (value === undefined) return defaultValue;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) {
      throw new ConfigError(`environment variable ${key}`, `expected a number, got '${value}'`);
    }
    return parsed;
  }

  /** `true`/`1`/`yes`/`on` and `false`/`0`/`no`/`off`, case-insensitive. */
  public getBool(key: string): boolean | undefined;
  public getBool(key: string, defaultValue: boolean): boolean;
  public getBool(key: string, defaultValue?: boolean): boolean | undefined {
    const raw = this.values[key];
    if (raw === undefined) return defaultValue;
    const value = raw.trim().toLowerCase();
    if (TRUE_VALUES.has(value)) return true;
    if (FALSE_VALUES.has(value)) return value === '' ? (defaultValue ?? false) : false;
    throw new ConfigError(
      `environment variable ${key}`,
      `expected true/false, 1/0 or yes/no, got '${raw}'`,
    );
  }

  /** The value split on commas, each item trimmed, empty items dropped. */
  public getList(key: string, defaultValue: string[] = []): string[] {
    const value = this.getStr(key);
    if (value === undefined) return defaultValue;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  }

  /** A plain copy of every variable. */
  public toObject(): Record<string, string> {
    return { ...this.values };
  }
}
