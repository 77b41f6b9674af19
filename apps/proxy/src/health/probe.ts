/**
 * One active health probe over node:http, on the checker's own agent: probes never borrow a
 * data-plane undici pool, so a full pool cannot fail a check and a check cannot take a
 * connection a request is waiting for.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { parseDial } from '@switchyard/shared';
import { MAX_REDIRECTS, statusHealthy, type ActiveHealthPlan } from './plan';

/** Outcome of one probe; `reason` is a short human-readable cause ("status 500", "timeout after 5000ms"). */
export interface ProbeResult {
  readonly ok: boolean;
  readonly reason: string;
}

/** One request of a probe (the first, or one after a redirect). */
interface Hop {
  /** For resolving a relative Location and connecting when there is no socket. */
  readonly url: URL;
  readonly path: string;
  readonly socketPath: string | undefined;
  /** Host header: the configured override, else the authority we connect to. */
  readonly host: string;
  readonly method: string;
  readonly body: string | undefined;
}

class ProbeTimeout extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/**
 * Probe `address` (a dial string) as `plan` says. Never rejects: a connection error, a timeout
 * (which covers redirects and the body too), a wrong status or a non-matching body all
 * resolve to `ok: false`. Aborting `cancel` ends the probe at once.
 */
export async function probe(plan: ActiveHealthPlan, address: string, agent: http.Agent, cancel: AbortSignal): Promise<ProbeResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new ProbeTimeout()), plan.timeoutMs);
  timer.unref();
  const onCancel = (): void => ac.abort(cancel.reason);
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  try {
    return await exchange(plan, firstHop(plan, address), agent, ac.signal);
  } catch (e) {
    if (ac.signal.reason instanceof ProbeTimeout) return fail(`timeout after ${plan.timeoutMs}ms`);
    return fail(e instanceof Error ? e.message : String(e));
  } finally {
    clearTimeout(timer);
    cancel.removeEventListener('abort', onCancel);
  }
}

async function exchange(plan: ActiveHealthPlan, first: Hop, agent: http.Agent, signal: AbortSignal): Promise<ProbeResult> {
  let hop = first;
  for (let redirects = 0; ; redirects++) {
    const res = await send(hop, plan.headers, agent, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (plan.followRedirects && REDIRECTS.has(status) && location) {
      res.destroy();
      if (redirects >= MAX_REDIRECTS) return fail(`stopped after ${MAX_REDIRECTS} redirects`);
      hop = nextHop(hop, status, location);
      continue;
    }
    if (!statusHealthy(status, plan.expectStatus)) {
      res.destroy();
      return fail(`status ${status}`);
    }
    if (plan.expectBody === undefined) {
      res.destroy();
      return { ok: true, reason: `status ${status}` };
    }
    const body = await readUpTo(res, plan.maxSize);
    if (!plan.expectBody.test(body)) return fail(`status ${status}, body does not match ${plan.expectBody}`);
    return { ok: true, reason: `status ${status}, body matches` };
  }
}

function firstHop(plan: ActiveHealthPlan, address: string): Hop {
  const dial = parseDial(address);
  if (typeof dial === 'string') throw new Error(dial);
  let authority: string;
  if (dial.socketPath !== undefined) {
    authority = 'localhost';
  } else {
    const host = dial.host.includes(':') ? `[${dial.host}]` : dial.host;
    authority = `${host}:${plan.port ?? dial.port}`;
  }
  return {
    url: new URL(`http://${authority}${plan.target}`),
    path: plan.target,
    socketPath: dial.socketPath,
    host: plan.hostHeader ?? authority,
    method: plan.method,
    body: plan.body,
  };
}

// Go's http.Client rules, which Caddy's checker follows: 301/302/303 turn into a bodiless GET
// (HEAD stays HEAD), 307/308 replay method and body; a relative Location keeps the Host
// override (and the unix socket), an absolute one starts afresh.
function nextHop(prev: Hop, status: number, location: string): Hop {
  const url = new URL(location, prev.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`redirect to unsupported scheme ${url.protocol}`);
  const keep = !ABSOLUTE.test(location);
  const replay = status === 307 || status === 308;
  return {
    url,
    path: url.pathname + url.search,
    socketPath: keep ? prev.socketPath : undefined,
    host: keep ? prev.host : url.host,
    method: replay || prev.method === 'HEAD' ? prev.method : 'GET',
    body: replay ? prev.body : undefined,
  };
}

function send(hop: Hop, headers: ActiveHealthPlan['headers'], agent: http.Agent, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const h: http.OutgoingHttpHeaders = { ...(headers as Record<string, string[]>), host: hop.host };
    if (hop.body !== undefined) h['content-length'] = Buffer.byteLength(hop.body);
    const secure = hop.url.protocol === 'https:';
    const opts: https.RequestOptions = { method: hop.method, path: hop.path, headers: h, signal, agent: secure ? false : agent };
    if (hop.socketPath !== undefined) opts.socketPath = hop.socketPath;
    else {
      opts.hostname = hop.url.hostname.replace(/^\[(.*)\]$/, '$1');
      opts.port = hop.url.port || (secure ? 443 : 80);
    }
    const req = (secure ? https : http).request(opts, resolve);
    req.on('error', reject);
    req.end(hop.body);
  });
}

/** The first `max` bytes of the body as UTF-8; the rest is never read. */
async function readUpTo(res: http.IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    const take = Math.min(chunk.length, max - n);
    chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
    n += take;
    if (n >= max) break;
  }
  return Buffer.concat(chunks, n).toString('utf8');
}

function fail(reason: string): ProbeResult {
  return { ok: false, reason };
}
