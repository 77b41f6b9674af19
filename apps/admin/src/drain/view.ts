import type { DrainProgress, WorkerProgress } from './progress';
import type { ClosedReport, DrainRecord, DrainState, OnTimeout } from './store';

/** A drain job as the API shows it (`POST/GET .../drain`, `drain.*` events). */
export interface DrainJobView {
  [key: string]: unknown;
  id: number;
  address: string;
  pools: string[];
  state: DrainState;
  /** The drain finished: every worker reported the address idle (state `drained`). */
  complete: boolean;
  started: string;
  finished: string | null;
  /** The revision that set the upstream draining. */
  revision: number;
  /** The revision that set it drained (or removed it); null while draining or when nothing was left to change. */
  final_revision: number | null;
  timeout_ms: number | null;
  deadline: string | null;
  on_timeout: OnTimeout;
  keep_sticky: boolean;
  remove: boolean;
  timed_out: boolean;
  /** What `on_timeout: close` cut. */
  closed: ClosedReport | null;
  /** In-flight requests on the address, summed over the workers. */
  in_flight: number;
  /** Open upgraded connections (WebSockets) on the address, summed over the workers. */
  upgraded: number;
  workers: readonly WorkerProgress[];
  error: string | null;
}

/** The API view of a job with its latest progress. Pure. */
export function jobView(rec: DrainRecord, p: DrainProgress): DrainJobView {
  return {
    id: rec.id,
    address: rec.address,
    pools: [...rec.pools],
    state: rec.state,
    complete: rec.state === 'drained',
    started: rec.startedAt,
    finished: rec.finishedAt,
    revision: rec.revision,
    final_revision: rec.finalRevision,
    timeout_ms: rec.timeoutMs,
    deadline: rec.deadlineMs === null ? null : new Date(rec.deadlineMs).toISOString(),
    on_timeout: rec.onTimeout,
    keep_sticky: rec.keepSticky,
    remove: rec.remove,
    timed_out: rec.timedOut,
    closed: rec.closed,
    in_flight: p.in_flight,
    upgraded: p.upgraded,
    workers: p.workers,
    error: rec.error,
  };
}

/** JSON Schema of DrainJobView, for the OpenAPI document. */
export const DRAIN_JOB_SCHEMA = {
  $id: 'DrainJob',
  type: 'object',
  description: 'A drain job: from the revision that set the upstream `draining` until every proxy worker reports it idle.',
  required: ['id', 'address', 'pools', 'state', 'complete', 'started', 'revision', 'in_flight', 'upgraded', 'workers'],
  properties: {
    id: { type: 'integer' },
    address: { type: 'string' },
    pools: { type: 'array', items: { type: 'string' }, description: 'Pool ids (`@id`, else JSON pointer) the drain applies to.' },
    state: { type: 'string', enum: ['draining', 'drained', 'cancelled'] },
    complete: { type: 'boolean', description: 'true once drained.' },
    started: { type: 'string', format: 'date-time' },
    finished: { type: ['string', 'null'], format: 'date-time' },
    revision: { type: 'integer', description: 'The revision that set the upstream draining.' },
    final_revision: { type: ['integer', 'null'], description: 'The revision that set it drained or removed it.' },
    timeout_ms: { type: ['integer', 'null'] },
    deadline: { type: ['string', 'null'], format: 'date-time' },
    on_timeout: { type: 'string', enum: ['close', 'keep'] },
    keep_sticky: { type: 'boolean' },
    remove: { type: 'boolean', description: 'Remove the upstream once drained.' },
    timed_out: { type: 'boolean' },
    closed: {
      type: ['object', 'null'],
      description: 'What `on_timeout: close` cut.',
      properties: {
        requests: { type: 'integer' },
        upgraded: { type: 'integer' },
        workers: { type: 'array', items: { type: 'object', properties: { node: { type: 'string' }, requests: { type: 'integer' }, upgraded: { type: 'integer' } } } },
      },
    },
    in_flight: { type: 'integer', description: 'In-flight requests on the address, all workers.' },
    upgraded: { type: 'integer', description: 'Open WebSockets and other upgraded connections on the address, all workers.' },
    workers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          node: { type: 'string' },
          connected: { type: 'boolean' },
          revision: { type: ['integer', 'null'], description: 'Revision the worker served when it sent its latest stats.' },
          in_flight: { type: 'integer' },
          upgraded: { type: 'integer' },
          done: { type: 'boolean' },
        },
      },
    },
    error: { type: ['string', 'null'] },
    reason: { type: 'string', description: 'Why a job was cancelled (events only).' },
  },
} as const;
