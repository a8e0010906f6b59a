/**
 * A fixed-window counter in the database, so every server instance behind a load balancer
 * shares the same limit (per-IP login and sign-up attempts). One atomic upsert per hit.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window resets (for `retry-after`). */
  retryAfter: number;
}

/** Counts one hit on `key` and says whether it is within `limit` hits per `windowMs`. */
export async function hitRateLimit(k: Kysely<Database>, key: string, limit: number, windowMs: number, now: Date): Promise<RateDecision> {
  const at = now.toISOString();
  const cutoff = new Date(now.getTime() - windowMs).toISOString();
  // Both dialects evaluate every SET expression against the old row, so the two CASEs agree.
  const r = await k
    .insertInto('rate_limit')
    .values({ key, window_start: at, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql<number>`case when rate_limit.window_start <= ${cutoff} then 1 else rate_limit.count + 1 end`,
        window_start: sql<string>`case when rate_limit.window_start <= ${cutoff} then ${at} else rate_limit.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  const retryAfter = Math.max(1, Math.ceil((Date.parse(r.window_start) + windowMs - now.getTime()) / 1000));
  return { allowed: Number(r.count) <= limit, retryAfter };
}

/** Drops windows that ended (housekeeping). */
export async function pruneRateLimits(k: Kysely<Database>, olderThan: Date): Promise<void> {
  await k.deleteFrom('rate_limit').where('window_start', '<', olderThan.toISOString()).execute();
}
