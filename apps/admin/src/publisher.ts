import type { ConfigChange, ConfigPublisher, PublishOutcome } from './hub/types';

/**
 * The publisher of an admin without proxy nodes: every revision is complete at once, so every
 * accepted change answers 200.
 */
export const immediatePublisher: ConfigPublisher = {
  publish: (change: ConfigChange): Promise<PublishOutcome> =>
    Promise.resolve({ revision: change.revision, complete: true, acked: [], lagging: [], failed: [] }),
};

/**
 * Calls `publisher.publish` so that a synchronous throw or a rejection becomes an incomplete
 * outcome: the revision is already stored, so a publishing failure is reported, never thrown.
 */
export function safePublish(publisher: ConfigPublisher, change: ConfigChange, wait: boolean, timeoutMs: number): Promise<PublishOutcome> {
  const failed = (e: unknown): PublishOutcome => ({
    revision: change.revision,
    complete: false,
    acked: [],
    lagging: [],
    failed: [{ node: '*', error: `publishing revision ${change.revision}: ${e instanceof Error ? e.message : String(e)}`, code: 'ADM_ERR_PUBLISH' }],
  });
  try {
    return publisher.publish(change, { wait, timeoutMs }).catch(failed);
  } catch (e) {
    return Promise.resolve(failed(e));
  }
}
