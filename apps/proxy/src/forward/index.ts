/**
 * Forwarding mechanics shared by the proxy handlers: the undici dispatch handler that streams
 * one request/response with backpressure (`Exchange`), Upgrade tunnels, hop-by-hop header
 * rules, header operations with placeholders, and the one error-to-status mapping.
 */
export { Exchange, toObject } from './exchange';
export { CLIENT_CLOSED, NO_UPSTREAM, classifyError, type ProxyFailure } from './errors';
export { connectionNamed, headerValue, hopByHop, lowerEquals, removeNamed, requestHeaders, responseHeaders, type RequestHeadFacts } from './hop';
export { compileHeaderOps, HeaderOpsError, statusMatches, type HeaderOpsConfig, type HeaderRules, type ResponseRules } from './header-ops';
export { compileTemplate, cookieValue, expand, type PlaceholderScope, type Template } from './placeholders';
export { closeUpgraded, tunnel, type UpgradeListener, type UpgradeOptions } from './upgrade';
