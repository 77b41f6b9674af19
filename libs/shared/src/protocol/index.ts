/** The admin <-> worker config protocol: messages, config diffs and their application. */
export {
  PROTOCOL_VERSION,
  HELLO_TIMEOUT_MS,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_TIMEOUT_MS,
  LATENCY_BUCKET_BOUNDS_MS,
  parseMessage,
  encodeMessage,
} from './messages';
export type {
  Message,
  MessageType,
  WorkerMessage,
  AdminMessage,
  HelloMessage,
  SnapshotMessage,
  DiffMessage,
  AckMessage,
  NackMessage,
  ResyncMessage,
  ResyncReason,
  StatsMessage,
  UpstreamStats,
  PingMessage,
  PongMessage,
  ErrorMessage,
  StatsRequestMessage,
  CloseUpstreamMessage,
  ClosedMessage,
} from './messages';
export { CloseCode, ProtocolError, closeCodeFor } from './codes';
export type { ProtocolErrorCode } from './codes';
export { diff } from './diff';
export { applyPatch, PatchError } from './patch';
export type { Patch, PatchOp } from './patch';
export { escapeToken, formatPointer, parsePointer } from './pointer';
export { jsonEqual } from './json';
