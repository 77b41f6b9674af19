import { ProtocolError } from './codes';
import { isObject } from './json';
import type { Patch } from './patch';
import { parsePointer } from './pointer';

/**
 * Messages of the admin <-> proxy-worker WebSocket protocol (JSON text frames, discriminated
 * by `type`). docs/protocol.md describes the conversation; this file is its wire contract.
 * Unknown extra fields are accepted and kept, so a newer peer may add optional fields
 * without a version bump; removing or retyping a field requires PROTOCOL_VERSION + 1.
 */

/** The version a worker announces in `hello.v`; the admin refuses any other. */
export const PROTOCOL_VERSION = 1;

/** The admin closes a connection whose first frame is not a valid `hello` within this many ms. */
export const HELLO_TIMEOUT_MS = 5_000;
/** Each side sends an application `ping` this often (ms). */
export const HEARTBEAT_INTERVAL_MS = 2_000;
/** A side that has received no frame at all for this long (ms) drops the connection. */
export const HEARTBEAT_TIMEOUT_MS = 6_000;

/**
 * Upper bounds (ms, inclusive) of `latency_buckets`: bucket i counts responses slower than
 * bound i-1 and at most bound i; one extra last bucket counts everything slower. So
 * `latency_buckets.length === LATENCY_BUCKET_BOUNDS_MS.length + 1`.
 */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = Object.freeze([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);

/** Why a worker asks for a snapshot; `reason` stays a free string so new reasons need no bump. */
export type ResyncReason = 'gap' | 'hash_mismatch' | 'patch_failed' | 'cache_invalid';

/** worker -> admin, first frame after connecting. `revision`/`config_hash` describe the config it runs (null: none). */
export interface HelloMessage {
  type: 'hello';
  v: number;
  node_id: string;
  host: string;
  pid: number;
  worker_id: number;
  revision: number | null;
  config_hash: string | null;
  token?: string;
}

/** admin -> worker: the whole document at `revision`; `hash` = configHash(config). */
export interface SnapshotMessage {
  type: 'snapshot';
  revision: number;
  config: Record<string, unknown>;
  hash: string;
}

/** admin -> worker: applies to the document at `from` only; `hash` = configHash of the result at `to`. */
export interface DiffMessage {
  type: 'diff';
  from: number;
  to: number;
  patch: Patch;
  hash: string;
}

/** worker -> admin: `revision` is now serving; `hash` is the worker's own configHash of it. */
export interface AckMessage {
  type: 'ack';
  revision: number;
  hash: string;
  applied_ms: number;
}

/** worker -> admin: `revision` was rejected and the previous one keeps serving. */
export interface NackMessage {
  type: 'nack';
  revision: number;
  error: string;
  code: string;
  /** JSON pointer of the offending config element, when known. */
  path: string | null;
}

/** worker -> admin: "send me a snapshot"; `have` is the revision still serving (null: none). */
export interface ResyncMessage {
  type: 'resync';
  have: number | null;
  reason: ResyncReason | (string & {});
}

/**
 * Live state of one dial address in a worker. Counters (`requests`, `fails_total`,
 * `latency_*`) only grow while the address stays in the worker's registry; a decrease means
 * the host state was recreated. Extra fields are allowed.
 */
export interface UpstreamStats {
  address: string;
  in_flight: number;
  upgraded: number;
  requests: number;
  fails: number;
  fails_total: number;
  healthy: boolean;
  latency_buckets: number[];
  latency_sum_ms: number;
  [extra: string]: unknown;
}

/** worker -> admin, periodic and on change. `at` is the worker's epoch ms. Extra fields are allowed. */
export interface StatsMessage {
  type: 'stats';
  revision: number | null;
  at: number;
  upstreams: UpstreamStats[];
  drains?: unknown;
  [extra: string]: unknown;
}

/** Either direction; the receiver answers `pong` with the same `t`. */
export interface PingMessage {
  type: 'ping';
  t: number;
}

export interface PongMessage {
  type: 'pong';
  t: number;
}

/** admin -> worker, immediately followed by a close with closeCodeFor(code). */
export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

/** admin -> worker: send a `stats` message now, carrying `request_id` back. */
export interface StatsRequestMessage {
  type: 'stats_request';
  request_id: number;
}

/**
 * admin -> worker: abort every in-flight request and close every upgraded connection to
 * `address` (a drain's `on_timeout: close`); the worker answers `closed`.
 */
export interface CloseUpstreamMessage {
  type: 'close_upstream';
  request_id: number;
  address: string;
}

/** worker -> admin: what `close_upstream` cut. */
export interface ClosedMessage {
  type: 'closed';
  request_id: number;
  address: string;
  requests: number;
  upgraded: number;
}

export type WorkerMessage = HelloMessage | AckMessage | NackMessage | ResyncMessage | StatsMessage | PingMessage | PongMessage | ClosedMessage;
export type AdminMessage = SnapshotMessage | DiffMessage | ErrorMessage | PingMessage | PongMessage | StatsRequestMessage | CloseUpstreamMessage;
export type Message = WorkerMessage | AdminMessage;
export type MessageType = Message['type'];

// --- validation -------------------------------------------------------------------------

type Field = (v: unknown, at: string) => void;

function bad(at: string, message: string): never {
  throw new ProtocolError('PROTO_ERR_BAD_MESSAGE', message, at);
}

const is =
  (expect: string, ok: (v: unknown) => boolean): Field =>
  (v, at) => {
    if (!ok(v)) bad(at, v === undefined ? 'missing field' : `expected ${expect}`);
  };
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

const STRING = is('a string', (v) => typeof v === 'string');
const STRING_OR_NULL = is('a string or null', (v) => v === null || typeof v === 'string');
const COUNT = is('a non-negative integer', isCount);
const COUNT_OR_NULL = is('a non-negative integer or null', (v) => v === null || isCount(v));
const NUMBER = is('a finite number', isNumber);
const BOOLEAN = is('a boolean', (v) => typeof v === 'boolean');
const OBJECT = is('an object', isObject);
const optional =
  (f: Field): Field =>
  (v, at) => {
    if (v !== undefined) f(v, at);
  };
const arrayOf =
  (item: Field): Field =>
  (v, at) => {
    if (!Array.isArray(v)) bad(at, v === undefined ? 'missing field' : 'expected an array');
    for (let i = 0; i < v.length; i++) item(v[i], `${at}/${i}`);
  };
const shape =
  (fields: Record<string, Field>): Field =>
  (v, at) => {
    if (!isObject(v)) bad(at, 'expected an object');
    for (const name in fields) fields[name](v[name], `${at}/${name}`);
  };

const PATCH_OP = shape({
  op: is("'add', 'remove' or 'replace'", (v) => v === 'add' || v === 'remove' || v === 'replace'),
  path: is('a JSON pointer', (v) => typeof v === 'string' && parsePointer(v) !== null),
});

// `value` may be any JSON, null included, so only its presence is checked.
const PATCH: Field = arrayOf((v, at) => {
  PATCH_OP(v, at);
  if ((v as { op: string }).op !== 'remove' && !('value' in (v as object))) bad(`${at}/value`, 'missing field');
});

const UPSTREAM = shape({
  address: STRING,
  in_flight: COUNT,
  upgraded: COUNT,
  requests: COUNT,
  fails: COUNT,
  fails_total: COUNT,
  healthy: BOOLEAN,
  latency_buckets: (v, at) => {
    arrayOf(COUNT)(v, at);
    const want = LATENCY_BUCKET_BOUNDS_MS.length + 1;
    if ((v as unknown[]).length !== want) bad(at, `expected ${want} buckets`);
  },
  latency_sum_ms: NUMBER,
});

const SHAPES: Record<MessageType, Record<string, Field>> = {
  hello: {
    v: COUNT,
    node_id: STRING,
    host: STRING,
    pid: COUNT,
    worker_id: COUNT,
    revision: COUNT_OR_NULL,
    config_hash: STRING_OR_NULL,
    token: optional(STRING),
  },
  snapshot: { revision: COUNT, config: OBJECT, hash: STRING },
  diff: { from: COUNT, to: COUNT, patch: PATCH, hash: STRING },
  ack: { revision: COUNT, hash: STRING, applied_ms: NUMBER },
  nack: { revision: COUNT, error: STRING, code: STRING, path: STRING_OR_NULL },
  resync: { have: COUNT_OR_NULL, reason: STRING },
  stats: { revision: COUNT_OR_NULL, at: NUMBER, upstreams: arrayOf(UPSTREAM), request_id: optional(COUNT) },
  stats_request: { request_id: COUNT },
  close_upstream: { request_id: COUNT, address: STRING },
  closed: { request_id: COUNT, address: STRING, requests: COUNT, upgraded: COUNT },
  ping: { t: NUMBER },
  pong: { t: NUMBER },
  error: { code: STRING, message: STRING },
};

const FROM_WORKER = new Set<string>(['hello', 'ack', 'nack', 'resync', 'stats', 'ping', 'pong', 'closed']);
const FROM_ADMIN = new Set<string>(['snapshot', 'diff', 'error', 'ping', 'pong', 'stats_request', 'close_upstream']);

/**
 * Parses one text frame into a Message, checking every documented field (extra fields are
 * kept). With `from`, also rejects a type that side never sends. A `hello` whose `v` is not
 * PROTOCOL_VERSION fails with PROTO_ERR_VERSION before its other fields are looked at, so a
 * peer of another version always gets a version error rather than a shape error.
 * Throws ProtocolError; never returns a partially valid message.
 */
export function parseMessage(raw: string, from?: 'worker' | 'admin'): Message {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch (err) {
    throw new ProtocolError('PROTO_ERR_BAD_JSON', `frame is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(msg)) throw new ProtocolError('PROTO_ERR_BAD_MESSAGE', 'frame is not a JSON object');
  const type = msg.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(SHAPES, type)) {
    throw new ProtocolError('PROTO_ERR_UNKNOWN_TYPE', `unknown message type ${JSON.stringify(type) ?? 'undefined'}`, '/type');
  }
  if (from !== undefined && !(from === 'worker' ? FROM_WORKER : FROM_ADMIN).has(type)) {
    throw new ProtocolError('PROTO_ERR_WRONG_DIRECTION', `a ${from} does not send '${type}'`, '/type');
  }
  if (type === 'hello' && msg.v !== PROTOCOL_VERSION) {
    throw new ProtocolError('PROTO_ERR_VERSION', `protocol version ${JSON.stringify(msg.v)} is not supported (want ${PROTOCOL_VERSION})`, '/v');
  }
  const fields = SHAPES[type as MessageType];
  for (const name in fields) fields[name](msg[name], `/${name}`);
  if (type === 'diff' && (msg.to as number) <= (msg.from as number)) bad('/to', "'to' must be greater than 'from'");
  return msg as unknown as Message;
}

/** Serialises a message for a text frame (the inverse of parseMessage). */
export function encodeMessage(msg: Message): string {
  return JSON.stringify(msg);
}
