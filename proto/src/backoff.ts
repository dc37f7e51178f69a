/**
 * Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped at `maxMs`, of which
 * a random half is taken off ("equal jitter"). Growing delays let a restarting peer recover instead
 * of being hammered; the jitter keeps calls that failed together (events, replicas restarted at
 * once) from coming back together. The one backoff of the suite: the listener's event retries and
 * the toolbox's `retry` both use it.
 */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
