import type { UpstreamStats } from '@switchyard/shared';

/** The latest stats one worker sent: the revision it was serving when it sent them, and its counters. */
export interface WorkerSample {
  readonly revision: number | null;
  readonly upstreams: readonly UpstreamStats[];
}

/** What the drain judge knows about one worker that is not connected any more. */
export interface GoneWorker {
  /** Epoch ms after which it is no longer waited for. */
  readonly waitUntil: number;
}

/** One worker's part of a drain. */
export interface WorkerProgress {
  readonly node: string;
  readonly connected: boolean;
  /** Revision of its latest stats (null: none received yet). */
  readonly revision: number | null;
  readonly in_flight: number;
  readonly upgraded: number;
  /** Serving a revision >= the drain's and idle on the address. */
  readonly done: boolean;
}

export interface DrainProgress {
  /** Every worker is done, and no disconnected worker is still waited for. */
  readonly complete: boolean;
  readonly in_flight: number;
  readonly upgraded: number;
  readonly workers: readonly WorkerProgress[];
}

export interface JudgeInput {
  readonly address: string;
  /** The revision that set the upstream draining. */
  readonly revision: number;
  /** Ids of the workers connected now. */
  readonly connected: readonly string[];
  /** Latest stats per worker id (connected or not). */
  readonly samples: ReadonlyMap<string, WorkerSample>;
  /** Workers seen during the drain that are not connected now, with how long to wait for them. */
  readonly gone: ReadonlyMap<string, GoneWorker>;
  readonly now: number;
}

/**
 * Decides whether a drain is complete. A connected worker is done when its latest stats were
 * sent while serving a revision >= `revision` (so it no longer picks the address for new
 * requests) and show zero in-flight requests and zero upgraded connections on the address; an
 * address missing from its stats is idle there. A worker that disconnected is waited for until
 * its `waitUntil` unless its last stats already said it was done (it may be reconnecting with
 * requests still open). Pure.
 */
export function judgeDrain(input: JudgeInput): DrainProgress {
  const workers: WorkerProgress[] = [];
  let inFlight = 0;
  let upgraded = 0;
  let complete = true;
  const connected = new Set(input.connected);
  const nodes = [...new Set([...input.connected, ...input.gone.keys()])].sort();
  for (const node of nodes) {
    const sample = input.samples.get(node);
    const s = sample?.upstreams.find((u) => u.address === input.address);
    const f = s?.in_flight ?? 0;
    const g = s?.upgraded ?? 0;
    const revision = sample?.revision ?? null;
    const done = revision !== null && revision >= input.revision && f === 0 && g === 0;
    const isConnected = connected.has(node);
    if (isConnected) {
      inFlight += f;
      upgraded += g;
      if (!done) complete = false;
    } else if (!done && input.now < input.gone.get(node)!.waitUntil) {
      inFlight += f;
      upgraded += g;
      complete = false;
    } else if (!done) {
      continue; // gone for longer than the grace: its connections died with it
    }
    workers.push({ node, connected: isConnected, revision, in_flight: f, upgraded: g, done });
  }
  return { complete, in_flight: inFlight, upgraded, workers };
}
