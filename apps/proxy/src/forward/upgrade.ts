import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { parseDial } from '@switchyard/shared';
import type { RequestContext } from '../handlers/types';
import type { Host, Tunnel } from '../upstream/host';
import type { HostRegistry } from '../upstream/registry';
import { CLIENT_CLOSED, classifyError, type ProxyFailure } from './errors';

/** Largest upstream response head accepted on an Upgrade request. */
const MAX_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

/** What the caller learns about one Upgrade attempt; exactly one of failed/answered, then closed. */
export interface UpgradeListener {
  /** Nothing was written to the client: the caller may retry elsewhere or answer with `f.status`. */
  failed(f: ProxyFailure): void;
  /** The upstream answered `status` (101: tunnel open; other: relayed, then closed). */
  answered(status: number, ms: number): void;
  /** Both sockets are closed (after `answered`). */
  closed(): void;
}

export interface UpgradeOptions {
  readonly connectTimeout: number;
  /** Wait for the upstream's response head; 0 = forever. */
  readonly headersTimeout: number;
}

class DialTimeoutError extends Error {
  readonly code = 'UND_ERR_CONNECT_TIMEOUT';
}
class HeadTimeoutError extends Error {
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
}
class BadHeadError extends Error {
  readonly code = 'HPE_INVALID_CONSTANT';
}

/**
 * Tunnel an Upgrade request (WebSocket or any protocol) to `host` over a raw TCP connection:
 * write the request head (`headers` already stripped of hop-by-hop fields; `Connection:
 * Upgrade` and `Upgrade: <protocol>` are added back) and the bytes the client sent after its
 * head, read the upstream's response head, relay it, and on 101 pipe both directions with
 * backpressure (stream.pipe). Close and errors propagate both ways. While open the tunnel is
 * in `host.tunnels` and counted in `host.upgraded`, so `closeUpgraded` can end it.
 */
export function tunnel(ctx: RequestContext, host: Host, uri: string, protocol: string, headers: readonly string[], opts: UpgradeOptions, listener: UpgradeListener): void {
  const client = ctx.socket!;
  const d = parseDial(host.address);
  if (typeof d === 'string') {
    listener.failed(classifyError(new Error(d), false));
    return;
  }
  const up = d.socketPath !== undefined ? net.connect(d.socketPath) : net.connect({ host: d.host, port: d.port });
  const started = performance.now();
  let sent = false;
  let answered = false;
  let head: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout | undefined = setTimeout(() => up.destroy(new DialTimeoutError(`dial ${host.address}: timeout after ${opts.connectTimeout}ms`)), opts.connectTimeout);

  const onFail = (err: Error): void => {
    if (timer) clearTimeout(timer);
    up.destroy();
    if (!answered) {
      answered = true;
      listener.failed(classifyError(err, sent));
    }
  };
  up.on('error', onFail);
  up.once('connect', () => {
    clearTimeout(timer);
    timer = opts.headersTimeout > 0 ? setTimeout(() => up.destroy(new HeadTimeoutError('upstream sent no response head in time')), opts.headersTimeout) : undefined;
    up.setNoDelay(true);
    sent = true;
    let text = `${ctx.method} ${uri} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
    text += `Connection: Upgrade\r\nUpgrade: ${protocol}\r\n\r\n`;
    up.write(text, 'latin1');
    if (ctx.head && ctx.head.length > 0) up.write(ctx.head);
  });
  up.on('end', () => {
    if (!answered) onFail(new Error('upstream closed before a response head'));
  });
  const onHeadData = (chunk: Buffer): void => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const end = head.indexOf(HEAD_END);
    if (end < 0) {
      if (head.length > MAX_HEAD) onFail(new BadHeadError('upstream response head too large'));
      return;
    }
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1', 0, Math.min(end, 64)));
    if (!m) {
      onFail(new BadHeadError('upstream response is not HTTP/1.x'));
      return;
    }
    if (timer) clearTimeout(timer);
    up.off('data', onHeadData);
    up.off('error', onFail);
    answered = true;
    const status = Number(m[1]);
    listener.answered(status, performance.now() - started);
    if (status === 101) open(client, up, head, host, listener);
    else relay(client, up, head, end + 4, listener);
  };
  up.on('data', onHeadData);
  // The client may leave while we dial or wait: no tunnel, no answer.
  const onClientGone = (): void => {
    if (answered) return;
    answered = true;
    if (timer) clearTimeout(timer);
    up.destroy();
    listener.failed(CLIENT_CLOSED);
  };
  client.once('close', onClientGone);
}

/** 101: hand the upstream head and any early frames to the client and splice the sockets. */
function open(client: Duplex, up: net.Socket, head: Buffer, host: Host, listener: UpgradeListener): void {
  const t: Tunnel = {
    destroy() {
      client.destroy();
      up.destroy();
    },
  };
  host.tunnels.add(t);
  host.upgraded++;
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    host.tunnels.delete(t);
    host.upgraded--;
    client.destroy();
    up.destroy();
    listener.closed();
  };
  client.on('error', close);
  up.on('error', close);
  client.on('close', close);
  up.on('close', close);
  client.write(head);
  up.pipe(client);
  client.pipe(up);
}

/** Non-101: relay the upstream's answer as-is, then close both (bounded by Content-Length when given). */
function relay(client: Duplex, up: net.Socket, head: Buffer, bodyStart: number, listener: UpgradeListener): void {
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    up.destroy();
    client.end();
    listener.closed();
  };
  const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head.toString('latin1', 0, bodyStart));
  let remaining = cl ? Number(cl[1]) - (head.length - bodyStart) : Infinity;
  client.write(head);
  if (remaining <= 0) return close();
  up.on('data', (chunk: Buffer) => {
    remaining -= chunk.length;
    if (!client.write(chunk)) up.pause();
    if (remaining <= 0) close();
  });
  client.on('drain', () => up.resume());
  up.on('end', close);
  up.on('error', close);
  client.on('error', close);
  client.on('close', close);
}

/**
 * End every Upgrade tunnel open to `address` (drains, removals); returns how many were open.
 * Both sockets are destroyed, so clients see the connection close.
 */
export function closeUpgraded(registry: HostRegistry, address: string): number {
  const host = registry.peek(address);
  if (!host) return 0;
  const open = [...host.tunnels];
  for (const t of open) t.destroy();
  return open.length;
}
