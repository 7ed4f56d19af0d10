import { redactSecrets, redactValue } from './secrets.js';

/** Severity of a log line, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured logger used across the SDK. Implementations must not throw. */
export interface Logger {
  debug(message: string, data?: Record<string, unknown>): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** Options of {@link ConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: LogLevel;
  /** Where lines go. @default process.stderr */
  stream?: { write(chunk: string): unknown };
}

/**
 * Writes one line per entry, `LEVEL message {json}`, to stderr by default so that stdout stays
 * free for machine-readable output. Secrets are masked.
 */
export class ConsoleLogger implements Logger {
  private readonly minRank: number;
  private readonly stream: { write(chunk: string): unknown };

  public constructor(options: ConsoleLoggerOptions = {}) {
    this.minRank = LEVEL_RANK[options.level ?? 'info'];
    this.stream = options.stream ?? process.stderr;
  }

  public debug(message: string, data?: Record<string, unknown>): void {
    this.write('debug', message, data);
  }
  public info(message: string, data?: Record<string, unknown>): void {
    this.write('info', message, data);
  }
  public warn(message: string, data?: Record<string, unknown>): void {
    this.write('warn', message, data);
  }
  public error(message: string, data?: Record<string, unknown>): void {
    this.write('error', message, data);
  }

  private write(level: LogLevel, message: string, data?: Record<string, unknown>): void {
    if (LEVEL_RANK[level] < this.minRank) return;
    const suffix = data && Object.keys(data).length > 0 ? ` ${safeJson(redactValue(data))}` : '';
    this.stream.write(`${level.toUpperCase()} ${redactSecrets(message)}${suffix}\n`);
  }
}

/** A logger that drops everything; the default where no logger is given. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable]';
  }
}
