import http from 'node:http';

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON (throws if it is not). */
  json<T = any>(): T;
}

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON (with Content-Type application/json unless given). */
  body?: unknown;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request on a fresh connection with full control of the headers (including Host
 * and Content-Type, which fetch restricts); resolves with the whole response.
 */
export function request(url: string, req: HttpRequest = {}): Promise<HttpResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...req.headers };
  let payload: Buffer | undefined;
  if (req.body !== undefined) {
    if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) payload = Buffer.from(req.body as string);
    else {
      payload = Buffer.from(JSON.stringify(req.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    headers['content-length'] = String(payload.length);
  }
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method: req.method ?? 'GET', headers, agent: false, timeout: req.timeoutMs ?? 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request to ${url} timed out`)));
    r.on('error', reject);
    if (payload) r.write(payload);
    r.end();
  });
}
