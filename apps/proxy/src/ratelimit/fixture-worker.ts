/**
 * A cluster worker for the node-wide rate-limit test: serves the routes given in SY_RL_ROUTES
 * with the real handlers on a port shared by every worker (listen on 0 in a cluster gives all
 * workers the same port), and tells the primary which port. Test-only.
 */
import cluster from 'node:cluster';
import { serveRoutes } from '../placeholders/harness';
import { createRateLimit } from '../handlers/rate-limit';
import { createStaticResponse } from '../handlers/static-response';

if (cluster.isWorker) {
  const routes = JSON.parse(process.env['SY_RL_ROUTES'] ?? '[]') as unknown[];
  serveRoutes(routes, { rate_limit: createRateLimit, static_response: createStaticResponse }).then(
    (s) => process.send?.({ type: 'fixture-listening', port: s.port }),
    (e: unknown) => {
      process.stderr.write(`fixture worker failed: ${String(e)}\n`);
      process.exit(1);
    },
  );
}
