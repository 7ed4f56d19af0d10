/** A listener of the devserver. */
export type DevServerService = 'dashboard' | 'serve' | 'backend' | 'agent';

/** One request a listener received (admin requests under `/_devserver/` are not logged). */
export interface RecordedRequest {
  /** 1, 2, 3… in the order the requests arrived, over every listener. */
  seq: number;
  service: DevServerService;
  method: string;
  /** The path without the query string. */
  path: string;
  /** When it arrived, on the devserver's clock (ms since the epoch). */
  at: number;
  /** The status it was answered with; undefined while unanswered, or when the connection was dropped. */
  status?: number | undefined;
  /** The transport fault that hit it, if any (see {@link HttpFaultSpec}). */
  fault?: string | undefined;
}

/** True for a request that may change state: anything but GET, HEAD and OPTIONS. */
export function isMutating(request: Pick<RecordedRequest, 'method'>): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
}

/** Every request the devserver received, in arrival order. */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  /** Records a new request and returns its entry (to fill in its status later). */
  public add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
    const recorded = { seq: ++this.seq, ...entry };
    this.entries.push(recorded);
    return recorded;
  }

  /** Copies of the entries, those after `sinceSeq` only when given. */
  public list(sinceSeq = 0): RecordedRequest[] {
    return this.entries.filter((e) => e.seq > sinceSeq).map((e) => ({ ...e }));
  }

  /** The seq of the latest request (0 before any). */
  public get lastSeq(): number {
    return this.seq;
  }

  /** Forgets the entries; numbering goes on. */
  public clear(): void {
    this.entries = [];
  }
}
