import { Pool } from 'undici';

/** What a load run saw. */
export interface LoadResult {
  requests: number;
  /** Responses whose status was not 200. */
  non200: number;
  /** Requests that failed at the socket level. */
  errors: number;
  /** Connections the server closed while the client wanted to keep them. */
  disconnects: number;
  statuses: Record<number, number>;
  errorSamples: string[];
}

/**
 * Steady keep-alive load: `connections` sockets, each looping GET `path` until `stop()`.
 * Counts every non-200, every request error and every connection the peer closed.
 */
export function startLoad(origin: string, opts: { connections?: number; path?: string } = {}): { stop(): Promise<LoadResult> } {
  const connections = opts.connections ?? 64;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  const r: LoadResult = { requests: 0, non200: 0, errors: 0, disconnects: 0, statuses: {}, errorSamples: [] };
  let running = true;
  pool.on('disconnect', (_o, _t, err) => {
    if (running) {
      r.disconnects++;
      if (r.errorSamples.length < 5) r.errorSamples.push(`disconnect: ${err?.message}`);
    }
  });
  const loop = async () => {
    while (running) {
      try {
        const res = await pool.request({ path: opts.path ?? '/', method: 'GET' });
        await res.body.text();
        r.requests++;
        r.statuses[res.statusCode] = (r.statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode !== 200) r.non200++;
      } catch (e) {
        if (!running) break;
        r.errors++;
        if (r.errorSamples.length < 5) r.errorSamples.push((e as Error).message);
      }
    }
  };
  const loops = Array.from({ length: connections }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await pool.close();
      return r;
    },
  };
}
