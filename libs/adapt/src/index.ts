export { AdaptError, type AdaptResult, type AdaptWarning } from './errors';
export { adaptCaddyfile, formatCaddyfile, type CaddyfileOptions } from './caddyfile';
export { importNginx } from './nginx';
