/** Small clients shared by the drain and blue/green end-to-end tests. */
import assert from 'node:assert/strict';
import http from 'node:http';
import WebSocket from 'ws';
import { eventually, load } from '../helpers/switchyard-all';

/** One admin API call with an optional JSON body; the answer parsed. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

/**
 * POST /load and wait until every connected worker applied it. A 202 (some worker slower than
 * the admin's 5 s bound, as on a busy CI machine) is fine as long as they all get there.
 */
export async function loadApplied(base: string, doc: unknown): Promise<number> {
  const r = await load(base, doc);
  assert.ok(r.status === 200 || r.status === 202, r.body);
  const revision = Number(r.revision);
  await eventually(async () => {
    const ps = (await api(base, 'GET', '/proxies')).json as Array<{ applied_revision: number | null }>;
    return ps.every((p) => (p.applied_revision ?? 0) >= revision);
  }, 20_000, `every worker on revision ${revision}`);
  return revision;
}

/** GET on a fresh connection; resolves with status, body and headers. */
export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

export async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Sends `text` and resolves with the echo. */
export function echo(ws: WebSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    ws.once('message', (m) => resolve(m.toString()));
    ws.once('close', () => reject(new Error('closed')));
    ws.send(text);
  });
}

/** Collects the events of GET /events?types=... until stopped. */
export function listen(base: string, types: string): { events: Array<{ type: string; data: any }>; stop(): void } {
  const events: Array<{ type: string; data: any }> = [];
  const req = http.get(`${base}/events?types=${types}`, { agent: false }, (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (type && data) events.push({ type, data: JSON.parse(data) });
      }
    });
  });
  req.on('error', () => undefined);
  return { events, stop: () => req.destroy() };
}

/** `n` GETs of `url` over `concurrency` keep-alive connections, each asserted 200; returns the bodies. */
export async function burst(url: string, n: number, concurrency = 20): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const out: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http.get(url, { agent }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        }).on('error', reject);
      });
      assert.equal(r.status, 200);
      out.push(r.body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return out;
}
