/**
 * The one interface every load-balancing policy implements.
 *
 * A policy is a small, pure unit: it looks only at the candidates it is given and at the
 * request facts in `SelectionRequest`, asks each candidate `available`, and keeps at most its
 * own cursor (round robin counter, smooth-WRR current weights). It never mutates a candidate.
 */
export interface Candidate {
  /** The dial address, e.g. "127.0.0.1:9001". Stable identity across config swaps. */
  readonly address: string;
  /** Effective weight (>= 0) already scaled by slow start; 0 means "never pick for new traffic". */
  readonly weight: number;
  /** Live in-flight request count on this address (read at selection time). */
  readonly inFlight: number;
  /** Peak-EWMA latency estimate in ms (0 when unknown). */
  readonly latencyEwma: number;
  /** Healthy, not full, in state `active` (or sticky-allowed while draining). */
  readonly available: boolean;
  /** fnv1a32(address), computed once by pools that keep their candidates (hash policies use it). */
  readonly addressHash?: number;
}

/** Request facts a policy may use. Only hash/sticky policies read them. */
export interface SelectionRequest {
  /** Client IP after trusted_proxies handling. */
  clientIp: string;
  /** The client's remote address (socket), as Caddy's ip_hash uses. */
  remoteIp: string;
  /** Path + query as received. */
  uri: string;
  /** Lower-cased request header lookup. */
  header(name: string): string | undefined;
  /** Query parameter lookup (first value). */
  query(name: string): string | undefined;
  /** Cookie lookup. */
  cookie(name: string): string | undefined;
}

/** What a selection returns: the chosen candidate and, for `cookie`, a Set-Cookie to send. */
export interface Selection<C extends Candidate = Candidate> {
  candidate: C;
  setCookie?: string;
}

export interface SelectionPolicy {
  /** Policy name as in Caddy's JSON (`round_robin`, ...). */
  readonly name: string;
  /**
   * Choose one available candidate, or null when none is available. `pool` is in config
   * order and may contain unavailable candidates, which must be skipped.
   */
  select<C extends Candidate>(pool: readonly C[], req: SelectionRequest): Selection<C> | null;
}
