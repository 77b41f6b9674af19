import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { SwitchyardError, type SwitchyardConfig } from '@switchyard/shared';
import { certificateNames } from './names';

/**
 * One certificate ready for handshakes. The same PEM pair always yields the same object (see
 * `loadCertificates`), so a config swap that keeps a certificate keeps its SecureContext and a
 * listener can tell "unchanged" by identity.
 */
export interface Certificate {
  /** Lower-case DNS names it is valid for (SAN, else CN); "*.x" entries are wildcards. */
  readonly names: readonly string[];
  readonly context: tls.SecureContext;
  /** PEM text, for `tls.Server#setSecureContext` (the context clients without SNI get). */
  readonly cert: string;
  readonly key: string;
  /** SHA-256 of the certificate (colon hex, as node prints it). */
  readonly fingerprint: string;
  readonly notAfter: Date;
}

/** A certificate as a config offers it: policies pick among them by tag. */
export interface TaggedCertificate {
  readonly certificate: Certificate;
  readonly tags: readonly string[];
}

/**
 * Where certificates come from. `load_files` is the only source today. An ACME issuer would be
 * a second source: it returns the certificates it already holds (from its storage) for the
 * config's names synchronously, issues or renews missing ones in the background, and asks the
 * worker to rebuild the runtime when one arrives; new handshakes then pick it up through the
 * listeners' SNICallback without rebinding. A source throws a SwitchyardError (code
 * PRX_ERR_TLS, `path` = JSON pointer of the culprit) for anything it cannot load.
 */
export interface CertificateSource {
  readonly name: string;
  load(config: SwitchyardConfig): TaggedCertificate[];
}

/** Caddy's `apps.tls.certificates.load_files`: PEM certificate (chain) + key files, read at build time. */
export const loadFilesSource: CertificateSource = {
  name: 'load_files',
  load(config) {
    const files = config.apps?.tls?.certificates?.load_files ?? [];
    return files.map((f, i) => {
      const base = `/apps/tls/certificates/load_files/${i}`;
      const cert = readPem(f.certificate, `${base}/certificate`, 'certificate');
      const key = readPem(f.key, `${base}/key`, 'key');
      return { certificate: certificateOf(cert, key, base), tags: Object.freeze([...(f.tags ?? [])]) };
    });
  },
};

/** Every certificate the config's sources provide, in source then config order. Throws PRX_ERR_TLS. */
export function loadCertificates(config: SwitchyardConfig, sources: readonly CertificateSource[] = [loadFilesSource]): TaggedCertificate[] {
  const out: TaggedCertificate[] = [];
  for (const s of sources) out.push(...s.load(config));
  // Keep only what this build uses, so the cache never outgrows the current config.
  for (const k of [...cache.keys()]) if (!out.some((t) => t.certificate === cache.get(k))) cache.delete(k);
  return out;
}

/** PEM pair digest -> built certificate; survives swaps so unchanged files keep their context. */
const cache = new Map<string, Certificate>();

function certificateOf(certPem: string, keyPem: string, base: string): Certificate {
  const id = createHash('sha256').update(certPem).update('\0').update(keyPem).digest('hex');
  const hit = cache.get(id);
  if (hit) return hit;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch (e) {
    throw tlsError(`${base}/certificate`, `not a PEM certificate: ${(e as Error).message}`);
  }
  let context: tls.SecureContext;
  try {
    context = tls.createSecureContext({ cert: certPem, key: keyPem });
  } catch (e) {
    // Bad key PEM and key/certificate mismatch both land here; both are the key's fault.
    throw tlsError(`${base}/key`, `key does not load with its certificate: ${(e as Error).message}`);
  }
  const c: Certificate = Object.freeze({
    names: Object.freeze(certificateNames(x509)),
    context,
    cert: certPem,
    key: keyPem,
    fingerprint: x509.fingerprint256,
    notAfter: new Date(x509.validTo),
  });
  cache.set(id, c);
  return c;
}

function readPem(file: string, path: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw tlsError(path, `cannot read ${what} file ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** A TLS build failure blamed on the config value at `path` (the worker NACKs with it). */
export function tlsError(path: string, message: string): SwitchyardError {
  return new SwitchyardError('PRX_ERR_TLS', 400, `${path}: ${message}`, path);
}
