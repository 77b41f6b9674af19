import type { FastifyInstance } from 'fastify';
import type { BusEvent, EventBus } from '../drain/bus';
import { DS } from '../drain/schemas';

/** Comment line sent when nothing else was, so proxies and clients keep the stream open. */
export const SSE_HEARTBEAT_MS = 15_000;

/** One event in the text/event-stream format (the payload is one JSON line). */
export function sseFrame(e: BusEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...e.data, at: e.at })}\n\n`;
}

/** `types=drain,health`: an event passes when its type equals a listed name or starts with `name.`. */
export function typeFilter(types: string | undefined): (type: string) => boolean {
  const names = (types ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) return () => true;
  return (type) => names.some((n) => type === n || type.startsWith(n + '.'));
}

/**
 * `GET /events`: Server-Sent Events of revisions applied by workers, NACKs, health
 * transitions, workers connecting and leaving, and drain progress and outcomes. A client that
 * reconnects with `Last-Event-ID` (or `?since=`) first gets the remembered events after that
 * id. Streams end when the admin closes (`close()` of the returned handle).
 */
export function eventRoutes(app: FastifyInstance, bus: EventBus): { close(): void } {
  const open = new Set<() => void>();
  app.route({
    method: 'GET',
    url: '/events',
    schema: { ...DS.events, tags: ['events'] },
    handler: (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      const pass = typeFilter(q['types']);
      const last = Number(req.headers['last-event-id'] ?? q['since'] ?? NaN);
      reply.hijack();
      const res = reply.raw;
      const headers: Record<string, string> = {};
      // Headers set by the access hook (CORS) must survive the hijack.
      for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') headers[k] = v;
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': switchyard events\n\n');
      const send = (e: BusEvent) => {
        if (pass(e.type)) res.write(sseFrame(e));
      };
      if (Number.isSafeInteger(last)) for (const e of bus.since(last)) send(e);
      const unsubscribe = bus.subscribe(send);
      const beat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
      beat.unref();
      const end = () => {
        clearInterval(beat);
        unsubscribe();
        open.delete(end);
        if (!res.writableEnded) res.end();
      };
      open.add(end);
      res.once('close', end);
    },
  });
  return { close: () => [...open].forEach((f) => f()) };
}
