/**
 * Caddyfile -> Caddy JSON, bit-compatible with `caddy adapt` of Caddy 2.6.2 for this subset
 * (anything else throws AdaptError at its line):
 * - global options: debug, admin [addr|off] { origins, enforce_origin }, auto_https,
 *   http_port, https_port, grace_period
 * - sites: several addresses, http:// https://, :port, hosts, IPv6, wildcards; snippets
 *   with {args.N}; {$ENV[:default]}; shorthand placeholders
 * - directives: bind, log (output stdout|stderr|discard|file + roll_*, format json|console,
 *   level), header, encode (gzip [level], zstd, minimum_length), handle, handle_path, route,
 *   respond (+ close), reverse_proxy (see reverse-proxy.ts)
 * - matchers: *, /path, @name with path, host, method, header (incl. !Field), query, remote_ip
 */
export { adaptCaddyfile, type CaddyfileOptions } from './adapt';
export { formatCaddyfile, formattingDifference, NOT_FORMATTED } from './format';
