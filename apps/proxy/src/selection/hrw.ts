import { eligible } from './eligible';
import type { Candidate } from './types';

/** FNV-1a 32-bit offset basis (the hash of the empty string). */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_32 = 4294967296;

/**
 * Continue an FNV-1a 32 hash `h` over the UTF-8 bytes of `s`, without allocating:
 * `fnv1a32(a + b) === fnv1a32Update(fnv1a32(a), b)`. Lone surrogates hash as U+FFFD, as
 * TextEncoder would encode them.
 */
export function fnv1a32Update(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), FNV_PRIME);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        h = Math.imul(h ^ (0xf0 | (c >> 18)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
        h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
        continue;
      }
      c = 0xfffd;
    }
    h = Math.imul(h ^ (0xe0 | (c >> 12)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), FNV_PRIME);
    h = Math.imul(h ^ (0x80 | (c & 0x3f)), FNV_PRIME);
  }
  return h >>> 0;
}

/** FNV-1a 32 of the UTF-8 bytes of `s` (the hash Caddy <= 2.7 used for HRW), unsigned. */
export function fnv1a32(s: string): number {
  return fnv1a32Update(FNV_OFFSET, s);
}

/** MurmurHash3's 32-bit finalizer: a bijection that makes every input bit reach every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The HRW hash of (key, address): fmix32(fmix32(fnv1a32(key)) ^ fnv1a32(address)). Raw FNV-1a
 * of key + address (what Caddy 2.6 used) is badly correlated for addresses that differ only in
 * the last character (it splits keys 50/25/25 over 127.0.0.1:9001..9003); the finalizers fix
 * that, and keeping the address hash separate lets a pool compute it once per address
 * (`Candidate.addressHash`) instead of once per candidate and request.
 */
export function hrwHash(key: string, address: string): number {
  return combine(fmix32(fnv1a32(key)), fnv1a32(address));
}

function combine(keySeed: number, addressHash: number): number {
  return fmix32((keySeed ^ addressHash) >>> 0);
}

/**
 * Weighted rendezvous (HRW) choice: the eligible candidate with the highest score
 * -weight / ln(u), u = hash(key + address) mapped into (0, 1). With equal weights this is
 * simply the highest hash. Each candidate's score depends only on its own address and the
 * key, so removing one candidate moves only its keys and adding one moves only the keys it
 * now wins (~weight share). Unavailable candidates are skipped, so their keys go to the
 * next-highest score. O(n), no allocation.
 */
export function hrwSelect<C extends Candidate>(pool: readonly C[], key: string): C | null {
  const seed = fmix32(fnv1a32(key));
  let best: C | null = null;
  let bestScore = -Infinity;
  for (let i = 0; i < pool.length; i++) {
    const c = pool[i]!;
    if (!eligible(c)) continue;
    const h = combine(seed, c.addressHash ?? fnv1a32(c.address));
    // (h + 0.5) / 2^32 is strictly inside (0, 1), so ln(u) < 0 and the score is finite.
    const score = -c.weight / Math.log((h + 0.5) / TWO_32);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
