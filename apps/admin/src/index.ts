/** @switchyard/admin: the control plane (Caddy-compatible config API on SQLite, with revisions). */
export { buildApp, DEFAULT_BODY_LIMIT, type BuildAppOptions } from './app';
export { startAdmin, type StartAdminOptions, type AdminHandle } from './start';
export { generateOpenApi, openApiText, OPENAPI_FILE } from './openapi';
export { ConfigService, type ChangeRequest, type ChangeResult, type ConfigState } from './service';
export { ConfigStore, type Revision, type RevisionMeta, type StoreOptions } from './store';
export { immediatePublisher } from './publisher';
export { AdminError } from './errors';
export { DEFAULT_ADMIN_LISTEN, parseListenAddress, type ListenAddress } from './http/listen';
export type * from './hub/types';
