import type { FastifyInstance } from 'fastify';
import type { ConfigPublisher } from '../hub/types';
import type { ConfigService } from '../service';
import type { ConfigStore } from '../store';
import { drainRoutes } from '../routes/drains';
import { eventRoutes } from '../routes/events';
import { poolRoutes } from '../routes/pools';
import { asDrainHub } from './live';
import { DrainManager } from './manager';

/**
 * Wires drains into the admin app: the manager (jobs saved next to the config, fed by the
 * publisher when it is the config hub), the pool, drain and event routes, resumption of
 * running jobs when the app is ready, and an orderly stop before the server closes (long
 * polls answer, event streams end, so closing never waits for them).
 */
export function registerDrains(app: FastifyInstance, service: ConfigService, store: ConfigStore, publisher: ConfigPublisher): DrainManager {
  const drains = new DrainManager({ service, file: store.file, hub: asDrainHub(publisher) });
  drainRoutes(app, drains);
  poolRoutes(app, drains);
  const events = eventRoutes(app, drains.bus);
  app.addHook('onReady', async () => drains.start());
  app.addHook('preClose', async () => {
    drains.close();
    events.close();
  });
  return drains;
}
