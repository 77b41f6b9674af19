import { opt, type Args } from './args';

/** Base URL of the admin API from --admin / SWITCHYARD_ADMIN (default 127.0.0.1:2019). */
export function adminBase(args: Args): string {
  const a = opt(args, 'admin', 'SWITCHYARD_ADMIN', '127.0.0.1:2019');
  return a.includes('://') ? a.replace(/\/$/, '') : `http://${a}`;
}

export interface AdminResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** One admin API call with the token (if any) and the Origin the admin allows. */
export async function call(args: Args, method: string, path: string, body?: string, contentType = 'application/json', extra: Record<string, string> = {}): Promise<AdminResponse> {
  const base = adminBase(args);
  // Caddy's CLI names its admin as Origin; the admin's Origin rule then accepts the call.
  const headers: Record<string, string> = { origin: new URL(base).origin, ...extra };
  const token = opt(args, 'admin-token', 'SWITCHYARD_ADMIN_TOKEN');
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Error text of a failed admin call: the admin's message and code when it sent them. */
export function describeError(r: AdminResponse): string {
  const j = r.json as { error?: string; code?: string } | undefined;
  return j?.error ? `HTTP ${r.status}: ${j.error}${j.code ? ` (${j.code})` : ''}` : `HTTP ${r.status}: ${r.text.trim()}`;
}
