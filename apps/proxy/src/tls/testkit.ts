/**
 * Test-only: self-signed certificates made by the openssl CLI in a temp dir, and small TLS,
 * HTTPS and HTTP/2 clients. Nothing in the data path imports this file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';

export interface TestCert {
  readonly certificate: string;
  readonly key: string;
}

/** A P-256 self-signed certificate for `names` (SAN DNS entries; the first is also the CN). */
export function makeCert(dir: string, file: string, names: readonly string[]): TestCert {
  const certificate = path.join(dir, `${file}.crt`);
  const key = path.join(dir, `${file}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', certificate, '-days', '2', '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
  ], { stdio: 'pipe' });
  return { certificate, key };
}

/** Certificates for a.test (+ *.a.test) and b.test (+ *.b.test) in a fresh temp dir. */
export function makeTestCerts(): { dir: string; a: TestCert; b: TestCert } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-tls-'));
  return { dir, a: makeCert(dir, 'a', ['a.test', '*.a.test']), b: makeCert(dir, 'b', ['b.test', '*.b.test']) };
}

/** Handshake only: the names on the certificate presented and the protocol ALPN settled on. */
export function handshake(port: number, servername: string | undefined, alpn?: string[]): Promise<{ names: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: alpn }, () => {
      resolve({ names: s.getPeerCertificate().subjectaltname ?? '', alpn: s.alpnProtocol ?? false });
      s.end();
    });
    s.once('error', reject);
  });
}

export function h1(port: number, servername: string, path = '/', method = 'GET', body?: string): Promise<{ status: number; version: string; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, method, servername, headers: { host: servername }, rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, version: res.httpVersion, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

export function h2(session: http2.ClientHttp2Session, path: string, method = 'GET', body?: string): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, ':method': method });
    let text = '';
    let headers: http2.IncomingHttpHeaders = {};
    req.setEncoding('utf8');
    req.on('response', (h) => (headers = h));
    req.on('data', (d: string) => (text += d));
    req.on('end', () => resolve({ status: Number(headers[':status']), headers, body: text }));
    req.once('error', reject);
    req.end(body);
  });
}

export function h2connect(port: number, servername: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const s = http2.connect(`https://127.0.0.1:${port}`, { servername, rejectUnauthorized: false });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
