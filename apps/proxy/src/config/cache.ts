import fs from 'node:fs';
import path from 'node:path';

/** The last applied revision, kept on disk so a worker started while the admin is down serves it. */
export interface CachedRevision {
  revision: number;
  hash: string;
  config: Record<string, unknown>;
}

/** Read the cache file; undefined when absent or unreadable (a corrupt cache is never fatal). */
export function readCache(file: string | undefined): CachedRevision | undefined {
  if (!file) return undefined;
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedRevision;
    if (typeof v.revision === 'number' && typeof v.hash === 'string' && v.config && typeof v.config === 'object') return v;
  } catch {
    /* absent or corrupt: start empty */
  }
  return undefined;
}

/**
 * Write atomically (temp file + rename) so a crash mid-write leaves the previous cache; several
 * workers of one node may write the same file, and rename makes the last one win whole.
 */
export function writeCache(file: string | undefined, v: CachedRevision): void {
  if (!file) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(v));
    fs.renameSync(tmp, file);
  } catch {
    /* a cache we cannot write only costs a cold start */
  }
}
