// Reconnect delays: exponential with full jitter between half and all of the step, capped, so that a hall of
// tablets that lost the Wi-Fi together does not come back in one burst.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}
export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

export function backoffDelay(attempt: number, random: () => number, opts: BackoffOptions = defaultBackoff): number {
  const step = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}
