import type { Http2Session, ServerHttp2Stream } from 'node:http2';

/**
 * The HTTP/2 sessions of one listener, with Go's idle semantics: a session is idle only while
 * it has no open stream, and is closed (GOAWAY) after `idleMs` of that. node's own session
 * timeout counts any silence, which would cut a long poll; this one never does.
 */
export class H2Sessions {
  private readonly live = new Map<Http2Session, { streams: number; timer: NodeJS.Timeout | undefined }>();

  constructor(private idleMs: number) {}

  /** The keep-alive time of the server config now in force (applies from the next idle period). */
  setIdle(ms: number): void {
    this.idleMs = ms;
  }

  /** Track a new session (from the server's 'session' event). */
  add(session: Http2Session): void {
    const s = { streams: 0, timer: undefined as NodeJS.Timeout | undefined };
    this.live.set(session, s);
    const arm = () => {
      if (this.idleMs > 0) {
        s.timer = setTimeout(() => session.close(), this.idleMs);
        s.timer.unref();
      }
    };
    session.on('stream', (stream: ServerHttp2Stream) => {
      s.streams++;
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
      stream.once('close', () => {
        if (--s.streams === 0 && !session.closed) arm();
      });
    });
    session.once('close', () => {
      if (s.timer) clearTimeout(s.timer);
      this.live.delete(session);
    });
    arm();
  }

  /** Close sessions with no open stream now (draining a retired listener). */
  closeIdle(): void {
    for (const [session, s] of this.live) if (s.streams === 0) session.close();
  }

  /** GOAWAY to every session: open streams finish, no new ones start. */
  closeAll(): void {
    for (const session of this.live.keys()) session.close();
  }

  get size(): number {
    return this.live.size;
  }
}
