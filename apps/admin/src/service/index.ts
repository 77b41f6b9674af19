export { ConfigService, PUBLISH_TIMEOUT_MS, type ChangeRequest, type ChangeResult, type ConfigState } from './config-service';
export { deepFreeze } from './freeze';
