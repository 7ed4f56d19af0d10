/** The GCS package store behind `/api/packages/gcs/<name>` (raw zip bytes by package name). */
export class PackageStore {
  private readonly packages = new Map<string, Uint8Array>();

  /** Whether `gcs://<name>` exists. */
  public has(name: string): boolean {
    return this.packages.has(name);
  }

  /** The bytes of `gcs://<name>`, if uploaded. */
  public get(name: string): Uint8Array | undefined {
    return this.packages.get(name);
  }

  /** Stores (or replaces) `gcs://<name>`. */
  public put(name: string, bytes: Uint8Array): void {
    this.packages.set(name, bytes);
  }

  /** Removes `gcs://<name>`; false when it was not there. */
  public delete(name: string): boolean {
    return this.packages.delete(name);
  }

  /** Names of all stored packages, sorted. */
  public names(): string[] {
    return [...this.packages.keys()].sort();
  }

  /** Removes every package (a cluster restart without GCS fault tolerance). */
  public clear(): void {
    this.packages.clear();
  }

  /** All packages, for the state file. */
  public entries(): [string, Uint8Array][] {
    return [...this.packages.entries()];
  }
}
