import type { ServerConfig } from '@switchyard/shared';
import type { Certificate, TaggedCertificate } from './certificates';
import { tlsError } from './certificates';
import { matchName } from './names';

/**
 * The TLS side of one server, built per config revision and immutable. Listeners read it per
 * connection (mode) and per handshake (certificate), so a swap changes certificates for new
 * handshakes while open connections keep what they negotiated.
 */
export interface ServerTls {
  /** Offer HTTP/2 via ALPN (else http/1.1 only). */
  readonly h2: boolean;
  /**
   * The certificate for a ClientHello's server name, or undefined when no connection policy
   * matches it (the handshake is then refused, as Caddy refuses it).
   */
  select(servername: string): Certificate | undefined;
  /** What clients that send no SNI get (IP-address URLs, old clients). */
  readonly fallback: Certificate;
}

interface CompiledPolicy {
  readonly sni: readonly string[] | undefined;
  /** Certificates this policy may present, in config order (never empty). */
  readonly certs: readonly Certificate[];
}

/**
 * Build a server's TLS settings; undefined when the server has no `tls_connection_policies`
 * (it then speaks plain HTTP). Policies are tried in order and the first whose `match.sni`
 * matches (or that has no matcher) decides; within it the first certificate (filtered by
 * `certificate_selection.any_tag`) whose names match the SNI is presented, else its first
 * certificate. No SNI: the first policy without a matcher, else the first policy. A policy
 * that can present no certificate fails the build with PRX_ERR_TLS at its path.
 */
export function buildServerTls(srv: ServerConfig, certs: readonly TaggedCertificate[], base: string): ServerTls | undefined {
  const policies = srv.tls_connection_policies;
  if (!policies || policies.length === 0) return undefined;
  const compiled: CompiledPolicy[] = policies.map((p, i) => {
    const anyTag = p.certificate_selection?.any_tag;
    const eligible = certs.filter((c) => !anyTag || c.tags.some((t) => anyTag.includes(t))).map((c) => c.certificate);
    if (eligible.length === 0) {
      const why = anyTag ? `no loaded certificate has any of the tags ${JSON.stringify(anyTag)}` : 'no certificate is loaded (apps.tls.certificates.load_files is empty)';
      throw tlsError(`${base}/tls_connection_policies/${i}`, why);
    }
    const sni = p.match?.sni;
    return { sni: sni && sni.length ? Object.freeze([...sni]) : undefined, certs: Object.freeze(eligible) };
  });
  const noMatcher = compiled.find((p) => p.sni === undefined) ?? compiled[0]!;
  return Object.freeze({
    h2: offersH2(srv),
    fallback: noMatcher.certs[0]!,
    select(servername: string): Certificate | undefined {
      const p = compiled.find((c) => c.sni === undefined || c.sni.some((pat) => matchName(servername, pat)));
      if (!p) return undefined;
      return p.certs.find((c) => c.names.some((n) => matchName(servername, n))) ?? p.certs[0];
    },
  });
}

/**
 * HTTP/2 is offered when the server's `protocols` allow it (absent = Caddy's h1+h2) and some
 * policy allows it (no `alpn`, or one listing "h2"). ALPN is decided per listener, not per
 * policy: node fixes the protocol list before the SNI-dependent policy is known.
 */
function offersH2(srv: ServerConfig): boolean {
  if (srv.protocols && !srv.protocols.includes('h2')) return false;
  return (srv.tls_connection_policies ?? []).some((p) => !p.alpn || p.alpn.includes('h2'));
}
