/**
 * Failure codes of the admin <-> worker WebSocket protocol and the close codes that go with
 * them. Close codes live in the 4000-4999 application range and mirror an HTTP status
 * (4400 ~ 400, 4401 ~ 401, ...) so logs read without a lookup table.
 */

/** WebSocket close codes used by both ends; each value is stable across protocol versions. */
export const CloseCode = {
  /** Orderly end (worker stopping, admin reconfigured the hub). */
  NORMAL: 1000,
  /** The closing side is shutting down; reconnect with back-off. */
  GOING_AWAY: 1001,
  /** Malformed frame or a message not allowed in this state or direction. */
  PROTOCOL_ERROR: 4400,
  /** Missing or wrong token in `hello`. Do not retry with the same token. */
  UNAUTHORIZED: 4401,
  /** No frame (message, ping or pong) within the heartbeat timeout. */
  HEARTBEAT_TIMEOUT: 4408,
  /** A newer connection announced the same node_id + worker_id. Do not reconnect. */
  SUPERSEDED: 4409,
  /** `hello.v` is not a protocol version this admin speaks. */
  VERSION_MISMATCH: 4426,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Stable codes carried by ProtocolError and by the `error` message. */
export type ProtocolErrorCode =
  | 'PROTO_ERR_BAD_JSON'
  | 'PROTO_ERR_BAD_MESSAGE'
  | 'PROTO_ERR_UNKNOWN_TYPE'
  | 'PROTO_ERR_WRONG_DIRECTION'
  | 'PROTO_ERR_VERSION'
  | 'PROTO_ERR_UNAUTHORIZED'
  | 'PROTO_ERR_HEARTBEAT_TIMEOUT'
  | 'PROTO_ERR_SUPERSEDED'
  | 'PROTO_ERR_HASH_MISMATCH';

const CLOSE_FOR: Record<ProtocolErrorCode, CloseCode> = {
  PROTO_ERR_BAD_JSON: CloseCode.PROTOCOL_ERROR,
  PROTO_ERR_BAD_MESSAGE: CloseCode.PROTOCOL_ERROR,
  PROTO_ERR_UNKNOWN_TYPE: CloseCode.PROTOCOL_ERROR,
  PROTO_ERR_WRONG_DIRECTION: CloseCode.PROTOCOL_ERROR,
  PROTO_ERR_VERSION: CloseCode.VERSION_MISMATCH,
  PROTO_ERR_UNAUTHORIZED: CloseCode.UNAUTHORIZED,
  PROTO_ERR_HEARTBEAT_TIMEOUT: CloseCode.HEARTBEAT_TIMEOUT,
  PROTO_ERR_SUPERSEDED: CloseCode.SUPERSEDED,
  PROTO_ERR_HASH_MISMATCH: CloseCode.PROTOCOL_ERROR,
};

/** The close code that follows an `error` message with this code (PROTOCOL_ERROR if unknown). */
export function closeCodeFor(code: string): CloseCode {
  return (CLOSE_FOR as Record<string, CloseCode>)[code] ?? CloseCode.PROTOCOL_ERROR;
}

/**
 * A frame that is not a valid message of this protocol version. `path` is the JSON pointer
 * of the offending field inside the message (`""` for the frame itself).
 */
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly path = '',
  ) {
    super(path ? `${message} at '${path}'` : message);
    this.name = 'ProtocolError';
  }
}
