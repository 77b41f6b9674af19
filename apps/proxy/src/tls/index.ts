/**
 * TLS termination: certificates from their sources (load_files today, the ACME seam documented
 * on CertificateSource), per-server connection policies choosing a certificate by SNI, the
 * HTTP->HTTPS redirect listeners, and HTTP/2 session bookkeeping for the listeners.
 */
export { loadCertificates, loadFilesSource, tlsError, type Certificate, type CertificateSource, type TaggedCertificate } from './certificates';
export { buildServerTls, type ServerTls } from './policy';
export { matchName, certificateNames } from './names';
export { redirectPlans, redirectRoutes, type RedirectPlan } from './redirect';
export { H2Sessions } from './h2-sessions';
