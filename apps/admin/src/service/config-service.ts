import { canonicalJSON, configHash, diff, validateConfig, type SwitchyardConfig } from '@switchyard/shared';
import { AdminError } from '../errors';
import { buildIdIndex, type IdIndex } from '../config/ids';
import { checkIfMatch } from '../config/etag';
import type { Json } from '../config/tree';
import type { ConfigStore, RevisionMeta } from '../store';
import type { ConfigPublisher, CurrentConfig, PublishOutcome } from '../hub/types';
import { immediatePublisher, safePublish } from '../publisher';
import { deepFreeze } from './freeze';

/** The admin's in-memory view of the latest revision. Replaced as a whole, never mutated. */
export interface ConfigState {
  readonly revision: number;
  /** Deep-frozen document; null when nothing is loaded. */
  readonly doc: Json | null;
  /** Canonical JSON of `doc` (what is stored and compared for no-op changes). */
  readonly text: string;
  readonly hash: string;
  readonly ids: IdIndex;
}

/** One requested change. `apply` computes the new document and may throw AdminErrors. */
export interface ChangeRequest {
  /** HTTP method and request path, stored with the revision. */
  readonly method: string;
  readonly path: string;
  readonly note?: string | null;
  readonly source?: string | null;
  readonly ifMatch?: string;
  /** Cache-Control: must-revalidate: store and publish even if the document is unchanged. */
  readonly force: boolean;
  /** Wait for proxy nodes to acknowledge (default true; `?wait=false`). */
  readonly wait?: boolean;
  /** Prefix of validation messages: `loading new config: ` (Caddy's /config) or `loading config: loading new config: ` (/load). */
  readonly errorPrefix: string;
  apply(state: ConfigState): Json | null;
}

/** The answer to a change: the revision now current and, if one was stored, its publication. */
export interface ChangeResult {
  readonly revision: number;
  readonly changed: boolean;
  readonly meta?: RevisionMeta;
  readonly outcome: Promise<PublishOutcome>;
}

export const PUBLISH_TIMEOUT_MS = 5000;

/**
 * The write path: If-Match, mutation, validation, storage and publication of config changes.
 * `change` runs synchronously from reading the current state to committing and handing the
 * revision to the publisher, so writes are serialised by the event loop itself: no other
 * change can interleave, and revisions reach the publisher in order. A rejected change throws
 * before anything is stored.
 */
export class ConfigService {
  private state: ConfigState;

  constructor(
    private readonly store: ConfigStore,
    private readonly publisher: ConfigPublisher = immediatePublisher,
  ) {
    const latest = store.latest();
    const doc = latest ? deepFreeze(latest.config) : null;
    this.state = {
      revision: latest?.n ?? 0,
      doc,
      text: latest?.text ?? 'null',
      hash: latest?.hash ?? configHash(null),
      ids: buildIdIndex(doc),
    };
  }

  /** The latest revision's state (a consistent snapshot). */
  current(): ConfigState {
    return this.state;
  }

  /** The current config in the shape the hub consumes. */
  currentConfig(): CurrentConfig {
    const s = this.state;
    return { revision: s.revision, config: s.doc as SwitchyardConfig | null, hash: s.hash };
  }

  /**
   * Applies one change. Throws AdminError (nothing stored) for a failed If-Match, a mutation
   * error or an invalid document. An unchanged document is a no-op (no revision) unless
   * `force`. The returned outcome promise never rejects.
   */
  change(req: ChangeRequest): ChangeResult {
    const prev = this.state;
    checkIfMatch(prev.doc, req.ifMatch);
    const next = req.apply(prev);
    const text = canonicalJSON(next);
    if (text === prev.text && !req.force) {
      return { revision: prev.revision, changed: false, outcome: Promise.resolve(noNodes(prev.revision)) };
    }
    if (next !== null) {
      const result = validateConfig(next);
      if (!result.ok) {
        const issue = result.issues[0];
        // The pointer of the whole document is '' (RFC 6901); say so rather than print ": ...".
        throw new AdminError(issue.code, `${req.errorPrefix}${issue.path || '(document)'}: ${issue.message}`, issue.path);
      }
    }
    const ids = buildIdIndex(next);
    const hash = configHash(next);
    const patch = diff(prev.doc, next);
    const meta = this.store.commit({ config: next, text, hash, patch, method: req.method, path: req.path, note: req.note ?? null, source: req.source ?? null });
    const doc = deepFreeze(next);
    this.state = { revision: meta.n, doc, text, hash, ids };
    const outcome = safePublish(
      this.publisher,
      { revision: meta.n, prevRevision: prev.revision, config: doc as SwitchyardConfig | null, hash, patch },
      req.wait !== false,
      PUBLISH_TIMEOUT_MS,
    );
    return { revision: meta.n, changed: true, meta, outcome };
  }
}

function noNodes(revision: number): PublishOutcome {
  return { revision, complete: true, acked: [], lagging: [], failed: [] };
}
