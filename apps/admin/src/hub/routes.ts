import type { FastifyInstance } from 'fastify';
import { LATENCY_BUCKET_BOUNDS_MS } from '@switchyard/shared';
import type { ConfigHub } from './hub';
import type { PublisherContext } from './types';
import { aggregateUpstreams } from './aggregate';

/** Routes that read the hub's live view: connected proxies and Prometheus metrics. */
export function hubRoutes(app: FastifyInstance, hub: ConfigHub, ctx: PublisherContext): void {
  app.get('/proxies', {
    schema: {
      tags: ['proxies'],
      summary: 'Connected proxy workers',
      description: 'Every worker connected to this admin: node id, host, pid, connected since, the revision it serves, its lag behind the latest revision and its last NACK.',
      response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  }, async () => hub.proxies(ctx.current().revision || null));

  const metrics = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    await hub.requestStats(300);
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8');
    return renderMetrics(hub, ctx);
  };
  const schema = {
    tags: ['metrics'],
    summary: 'Prometheus metrics',
    description: 'Per-upstream requests, in-flight, fails, health and latency histograms aggregated over all workers, the current revision, and config push latency.',
    response: { 200: { type: 'string' } },
  };
  app.get('/metrics', { schema }, metrics);
  app.post('/metrics', { schema }, metrics);
}

/** Prometheus text exposition of the hub's aggregated view. */
export function renderMetrics(hub: ConfigHub, ctx: PublisherContext): string {
  const cur = ctx.current();
  const workers = hub.workerStats();
  const ups = aggregateUpstreams(cur.config, workers);
  const out: string[] = [];
  const metric = (name: string, type: string, help: string, lines: string[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
  };
  const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  metric('switchyard_config_revision', 'gauge', 'Latest stored config revision.', [`switchyard_config_revision ${cur.revision}`]);
  metric('switchyard_proxies_connected', 'gauge', 'Proxy workers connected to this admin.', [`switchyard_proxies_connected ${hub.size}`]);
  const applied = hub.proxies(cur.revision).map((p) => `switchyard_proxy_applied_revision{proxy="${label(p.id)}"} ${p.applied_revision ?? 0}`);
  metric('switchyard_proxy_applied_revision', 'gauge', 'Revision each worker serves.', applied);
  metric('switchyard_upstream_in_flight', 'gauge', 'Requests in flight to the upstream, all workers.', ups.map((u) => `switchyard_upstream_in_flight{upstream="${label(u.address)}"} ${u.num_requests}`));
  metric('switchyard_upstream_upgraded', 'gauge', 'Open upgraded (WebSocket) connections to the upstream.', ups.map((u) => `switchyard_upstream_upgraded{upstream="${label(u.address)}"} ${u['upgraded'] as number}`));
  metric('switchyard_upstream_requests_total', 'counter', 'Requests sent to the upstream since the workers started.', ups.map((u) => `switchyard_upstream_requests_total{upstream="${label(u.address)}"} ${u['requests_total'] as number}`));
  metric('switchyard_upstream_fails', 'gauge', 'Passive failures within fail_duration.', ups.map((u) => `switchyard_upstream_fails{upstream="${label(u.address)}"} ${u.fails}`));
  metric('switchyard_upstream_fails_total', 'counter', 'Passive failures ever recorded.', ups.map((u) => `switchyard_upstream_fails_total{upstream="${label(u.address)}"} ${u['fails_total'] as number}`));
  metric('switchyard_upstream_healthy', 'gauge', '1 when every worker reports the upstream healthy.', ups.map((u) => `switchyard_upstream_healthy{upstream="${label(u.address)}"} ${u['healthy'] ? 1 : 0}`));
  metric('caddy_reverse_proxy_upstreams_healthy', 'gauge', 'Caddy-compatible health gauge.', ups.map((u) => `caddy_reverse_proxy_upstreams_healthy{upstream="${label(u.address)}"} ${u['healthy'] ? 1 : 0}`));

  const hist: string[] = [];
  const byAddr = new Map<string, { buckets: number[]; sum: number }>();
  for (const w of workers) {
    for (const s of w.stats) {
      let h = byAddr.get(s.address);
      if (!h) byAddr.set(s.address, (h = { buckets: new Array(LATENCY_BUCKET_BOUNDS_MS.length + 1).fill(0), sum: 0 }));
      s.latency_buckets.forEach((c, i) => (h!.buckets[i]! += c));
      h.sum += s.latency_sum_ms;
    }
  }
  for (const [addr, h] of byAddr) {
    let cum = 0;
    LATENCY_BUCKET_BOUNDS_MS.forEach((b, i) => {
      cum += h.buckets[i]!;
      hist.push(`switchyard_upstream_latency_seconds_bucket{upstream="${label(addr)}",le="${b / 1000}"} ${cum}`);
    });
    cum += h.buckets[LATENCY_BUCKET_BOUNDS_MS.length]!;
    hist.push(`switchyard_upstream_latency_seconds_bucket{upstream="${label(addr)}",le="+Inf"} ${cum}`);
    hist.push(`switchyard_upstream_latency_seconds_sum{upstream="${label(addr)}"} ${h.sum / 1000}`);
    hist.push(`switchyard_upstream_latency_seconds_count{upstream="${label(addr)}"} ${cum}`);
  }
  metric('switchyard_upstream_latency_seconds', 'histogram', 'Time to response headers from the upstream.', hist);

  const push = [...hub.pushLatencies].sort((a, b) => a - b);
  const q = (p: number) => (push.length ? push[Math.min(push.length - 1, Math.floor(p * push.length))]! / 1000 : 0);
  metric('switchyard_config_push_seconds', 'summary', 'From publishing a revision to a worker ACKing it (last 1000 pushes).', [
    `switchyard_config_push_seconds{quantile="0.5"} ${q(0.5)}`,
    `switchyard_config_push_seconds{quantile="0.99"} ${q(0.99)}`,
    `switchyard_config_push_seconds_sum ${push.reduce((a, b) => a + b, 0) / 1000}`,
    `switchyard_config_push_seconds_count ${push.length}`,
  ]);
  metric('process_resident_memory_bytes', 'gauge', 'Admin process resident memory.', [`process_resident_memory_bytes ${process.memoryUsage().rss}`]);
  return out.join('\n') + '\n';
}
