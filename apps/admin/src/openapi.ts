import path from 'node:path';
import { buildApp } from './app';
import { ConfigStore } from './store';
import { ConfigHub } from './hub/hub';

/** Where the committed document lives: openapi/openapi.json at the workspace root. */
export const OPENAPI_FILE = path.resolve(__dirname, '../../../openapi/openapi.json');

/**
 * The OpenAPI document generated from the route schemas, exactly as `GET /openapi.json`
 * serves it. Deterministic: built on a throwaway in-memory store, no host or port in it.
 */
export async function generateOpenApi(): Promise<object> {
  const store = ConfigStore.open({ file: ':memory:' });
  // The same publisher startAdmin uses by default, so routes it registers are documented too.
  const hub = new ConfigHub();
  const app = buildApp({ store, publisher: hub });
  try {
    await app.ready();
    return app.swagger() as object;
  } finally {
    hub.close();
    await app.close();
    store.close();
  }
}

/** The file text for a document: two-space JSON and a final newline. */
export function openApiText(doc: object): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
