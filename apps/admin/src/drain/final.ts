import type { ConfigService } from '../service';
import { changePools, editIn, withState, type ChangeMeta } from './edits';
import type { DrainHub } from './live';
import type { ClosedReport, DrainRecord } from './store';

/** The change fields of the revision a drain writes itself when it completes. */
function finalMeta(rec: DrainRecord): ChangeMeta {
  return {
    method: 'POST',
    path: `/reverse_proxy/upstreams/${rec.address}/drain`,
    note: rec.remove ? `drain ${rec.id} complete: upstream removed` : `drain ${rec.id} complete`,
    source: `drain:${rec.id}`,
    force: false,
    wait: true,
  };
}

/**
 * Writes the revision that ends a drain: every upstream of the job's address still `draining`
 * in the job's pools becomes `drained`, or, for a removing job, leaves the pool. Upstreams
 * someone changed meanwhile (disabled, removed) are left as they are; when nothing is left to
 * change no revision is written. Resolves once the workers applied it, with its number (null
 * when none was needed) or the error that prevented it.
 */
export async function writeFinalRevision(service: ConfigService, rec: DrainRecord): Promise<{ revision: number | null; error: string | null }> {
  const ends = (state: string | undefined) => rec.remove || state === 'draining';
  const drained = withState('drained');
  try {
    const change = changePools(service, finalMeta(rec), true, () => new Set(), (doc, pools) => {
      const present = pools.filter((p) => rec.pools.includes(p.id) && p.upstreams.some((u) => u.address === rec.address && ends(u.state)));
      if (present.length === 0) return { doc, pools: [] };
      return editIn(rec.address, undefined, (u) => (!ends(u['state'] as string | undefined) ? u : rec.remove ? null : drained(u)))(doc, present);
    });
    if (!change.result.changed) return { revision: null, error: null };
    await change.result.outcome;
    return { revision: change.result.revision, error: null };
  } catch (e) {
    return { revision: null, error: `writing the final revision: ${(e as Error).message}` };
  }
}

/**
 * `on_timeout: close`: asks every worker to abort its requests and close its upgraded
 * connections to `address`, and sums what they report (workers that do not answer within
 * `timeoutMs` are left out of the report).
 */
export async function cutRemaining(hub: DrainHub | undefined, address: string, timeoutMs: number): Promise<{ closed: ClosedReport | null; error: string | null }> {
  if (!hub?.closeUpstream) return { closed: null, error: 'on_timeout close: the config hub cannot close connections' };
  try {
    const workers = await hub.closeUpstream(address, timeoutMs);
    const sum = (k: 'requests' | 'upgraded') => workers.reduce((n, w) => n + (Number(w[k]) || 0), 0);
    return { closed: { requests: sum('requests'), upgraded: sum('upgraded'), workers }, error: null };
  } catch (e) {
    return { closed: null, error: `on_timeout close: ${(e as Error).message}` };
  }
}
