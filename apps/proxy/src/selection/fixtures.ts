/**
 * Test fixtures for the selection tests: plain frozen candidates and a map-backed request.
 * Candidates are frozen so that a policy that tried to mutate one would throw.
 */
import type { Candidate, Selection, SelectionPolicy, SelectionRequest } from './types';

/** A frozen candidate; defaults: weight 1, idle, unmeasured, available. */
export function cand(address: string, over: Partial<Candidate> = {}): Candidate {
  return Object.freeze({ address, weight: 1, inFlight: 0, latencyEwma: 0, available: true, ...over });
}

/** `n` default candidates at 127.0.0.1:9001, :9002, ... */
export function makePool(n: number, over: Partial<Candidate> = {}): Candidate[] {
  return Array.from({ length: n }, (_, i) => cand(`127.0.0.1:${9001 + i}`, over));
}

/** Candidates with the given weights at 127.0.0.1:9001, ... */
export function weighted(weights: readonly number[]): Candidate[] {
  return weights.map((weight, i) => cand(`127.0.0.1:${9001 + i}`, { weight }));
}

export interface RequestParts {
  clientIp?: string;
  remoteIp?: string;
  uri?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  cookies?: Record<string, string>;
}

/** A request; header names are matched lower-cased, as the runtime's lookup promises. */
export function makeRequest(parts: RequestParts = {}): SelectionRequest {
  const headers = new Map(Object.entries(parts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const query = new Map(Object.entries(parts.query ?? {}));
  const cookies = new Map(Object.entries(parts.cookies ?? {}));
  return {
    clientIp: parts.clientIp ?? '203.0.113.7',
    remoteIp: parts.remoteIp ?? '192.0.2.1',
    uri: parts.uri ?? '/',
    header: (name) => headers.get(name),
    query: (name) => query.get(name),
    cookie: (name) => cookies.get(name),
  };
}

/** Select `n` times (request i from `reqOf(i)`) and count picks per address; a null pick counts under "null". */
export function countPicks(
  policy: SelectionPolicy,
  pool: readonly Candidate[],
  n: number,
  reqOf: (i: number) => SelectionRequest = () => makeRequest(),
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s: Selection | null = policy.select(pool, reqOf(i));
    const k = s === null ? 'null' : s.candidate.address;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** The sequence of picked addresses (or "null") over `n` selections with the same request. */
export function sequence(policy: SelectionPolicy, pool: readonly Candidate[], n: number, req = makeRequest()): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(policy.select(pool, req)?.candidate.address ?? 'null');
  return out;
}
