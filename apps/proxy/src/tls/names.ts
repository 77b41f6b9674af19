import { X509Certificate } from 'node:crypto';

/**
 * Server-name matching as Caddy (certmagic.MatchWildcard) does it: case-insensitive; a
 * pattern "*.example.com" stands for exactly one leftmost label, so it matches
 * "a.example.com" but neither "example.com" nor "a.b.example.com".
 */
export function matchName(name: string, pattern: string): boolean {
  const n = name.toLowerCase();
  const p = pattern.toLowerCase();
  if (n === p) return true;
  if (!p.startsWith('*.')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot) === p.slice(1);
}

/**
 * The DNS names a certificate is valid for, lower case: its subjectAltName DNS entries, or the
 * subject CN when it has none (as old self-signed certificates do). IP entries are left out:
 * clients send no SNI for IP addresses, so they never take part in selection.
 */
export function certificateNames(cert: X509Certificate): string[] {
  const san = cert.subjectAltName;
  const names: string[] = [];
  if (san) {
    for (const entry of splitSan(san)) {
      if (entry.startsWith('DNS:')) names.push(entry.slice(4).toLowerCase());
    }
  }
  if (names.length === 0) {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject);
    if (cn) names.push(cn[1]!.trim().toLowerCase());
  }
  return names;
}

/**
 * Split node's subjectAltName string ("DNS:a, DNS:b, IP Address:1.2.3.4"). Entries that
 * contain ", " themselves are JSON-quoted by node (e.g. `DNS:"a, b"`), so quotes are honoured.
 */
function splitSan(san: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < san.length) {
    const colon = san.indexOf(':', i);
    if (colon < 0) break;
    const kind = san.slice(i, colon + 1);
    let j = colon + 1;
    let value: string;
    if (san[j] === '"') {
      let k = j + 1;
      while (k < san.length && san[k] !== '"') k += san[k] === '\\' ? 2 : 1;
      value = JSON.parse(san.slice(j, k + 1)) as string;
      j = k + 1;
    } else {
      const comma = san.indexOf(', ', j);
      const end = comma < 0 ? san.length : comma;
      value = san.slice(j, end);
      j = end;
    }
    out.push(kind + value);
    i = san.startsWith(', ', j) ? j + 2 : j + 1;
  }
  return out;
}
