import type { ErrorSpec } from './types';

/** Errors of the admin <-> worker WebSocket protocol (sent in `error` frames and NACKs). */
export const PROTOCOL_ERRORS = {
  PROTO_ERR_BAD_JSON: { status: 400, meaning: 'A WebSocket frame is not JSON.' },
  PROTO_ERR_BAD_MESSAGE: { status: 400, meaning: 'A frame is not a valid message of the protocol (a field is missing or of the wrong type; the message names it).' },
  PROTO_ERR_UNKNOWN_TYPE: { status: 400, meaning: 'A frame has an unknown `type`.' },
  PROTO_ERR_WRONG_DIRECTION: { status: 400, meaning: 'A peer sent a message only the other side may send.' },
  PROTO_ERR_VERSION: { status: 426, meaning: 'The worker speaks a protocol version the admin does not.' },
  PROTO_ERR_UNAUTHORIZED: { status: 401, meaning: 'The worker presented no proxy token or a wrong one.' },
  PROTO_ERR_HEARTBEAT_TIMEOUT: { status: 408, meaning: 'No frame arrived from the peer within the heartbeat timeout; the connection is closed.' },
  PROTO_ERR_SUPERSEDED: { status: 409, meaning: 'A newer connection announced the same node and worker id; the older one is closed.' },
  PROTO_ERR_HASH_MISMATCH: { status: 409, meaning: 'A snapshot or patched document does not hash to the value the admin announced.' },
  PATCH_NOT_APPLICABLE: { status: 409, meaning: 'A config diff does not apply to the document the worker holds; the worker asks for a snapshot.' },
} as const satisfies Record<string, ErrorSpec>;
