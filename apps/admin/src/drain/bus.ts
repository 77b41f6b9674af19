/** One event of `GET /events`: a numbered, typed JSON payload. */
export interface BusEvent {
  /** Increasing from 1 within one admin process (the SSE `id:`). */
  readonly id: number;
  /** `revision`, `nack`, `health`, `proxy.connected`, `proxy.disconnected`, `drain.*`. */
  readonly type: string;
  readonly at: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type BusListener = (e: BusEvent) => void;

/**
 * The admin's event stream: publishers push typed events, subscribers (the SSE route) get
 * each one in order. The last `keep` events are kept so a client reconnecting with
 * `Last-Event-ID` misses nothing that is still remembered. A throwing listener is dropped
 * rather than allowed to break the publisher.
 */
export class EventBus {
  private readonly listeners = new Set<BusListener>();
  private readonly recent: BusEvent[] = [];
  private next = 1;

  constructor(private readonly keep = 512) {}

  publish(type: string, data: Record<string, unknown>): BusEvent {
    const e: BusEvent = { id: this.next++, type, at: new Date().toISOString(), data };
    this.recent.push(e);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        this.listeners.delete(l);
      }
    }
    return e;
  }

  /** Events after `id` still remembered, oldest first. */
  since(id: number): BusEvent[] {
    return this.recent.filter((e) => e.id > id);
  }

  subscribe(l: BusListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
