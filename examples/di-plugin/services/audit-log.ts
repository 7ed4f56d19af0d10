import type { ServiceIdentifier } from 'inversify';
import { injectable } from 'inversify';

/** DI token of the plugin's {@link AuditLog}. Plugins namespace their tokens like the SDK does. */
export const AUDIT_LOG: ServiceIdentifier<AuditLog> = Symbol.for('di-plugin/AuditLog');

/** The backend calls a run made, in order; one instance per run (singleton scope). */
@injectable()
export class AuditLog {
  public readonly entries: string[] = [];

  public record(entry: string): void {
    this.entries.push(entry);
  }
}
