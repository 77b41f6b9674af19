import type { EventBus } from './bus';
import type { DrainHub } from './live';

/** Hub events and the bus event type each becomes. */
const RELAYED: ReadonlyArray<[string, string]> = [
  ['revision', 'revision'],
  ['nack', 'nack'],
  ['health', 'health'],
  ['connected', 'proxy.connected'],
  ['disconnected', 'proxy.disconnected'],
];

/** The payload of a relayed event: objects as they are, a bare worker id as `{node}`. */
function payload(arg: unknown): Record<string, unknown> {
  if (typeof arg === 'string') return { node: arg };
  return arg && typeof arg === 'object' ? { ...(arg as Record<string, unknown>) } : { value: arg };
}

/**
 * Publishes the hub's worker events (revision applied, NACK, health flip, worker connected or
 * gone) on the bus, calling `after` once each is out. Returns the function that detaches.
 */
export function relayHubEvents(hub: DrainHub, bus: EventBus, after: () => void): () => void {
  const listeners = RELAYED.map(([event, type]) => {
    const l = (arg: unknown) => {
      bus.publish(type, payload(arg));
      after();
    };
    hub.on(event, l);
    return [event, l] as const;
  });
  return () => {
    for (const [event, l] of listeners) hub.off(event, l);
  };
}
