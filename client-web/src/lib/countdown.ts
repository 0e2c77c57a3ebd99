// Countdown arithmetic. Timers are kept in server time (docs/protocol.md, "Timers"); the client estimates the
// server's clock as its own clock plus the offset seen in the last message.
import type { Timer } from '../protocol/view';

export function serverNow(clientNow: number, clockOffsetMs: number): number {
  return clientNow + clockOffsetMs;
}

export function elapsedMs(timer: Timer, now: number): number {
  const running = timer.running_since === null ? 0 : Math.max(0, now - timer.running_since);
  return timer.used_ms + running;
}

// Negative once the limit is overrun.
export function remainingMs(timer: Timer, now: number): number {
  return timer.limit_ms - elapsedMs(timer, now);
}

export type Urgency = 'normal' | 'warning' | 'critical' | 'overrun';

// Warning in the last 2 minutes (the last quarter of a short limit), critical in the last 30 seconds.
export function urgency(timer: Timer, now: number): Urgency {
  const left = remainingMs(timer, now);
  if (left < 0) return 'overrun';
  if (left <= 30_000) return 'critical';
  if (left <= Math.min(120_000, Math.max(30_000, timer.limit_ms / 4))) return 'warning';
  return 'normal';
}

// "08:00", "-01:05" (overrun); seconds are rounded up while counting down so that 0:00 means the end.
export function formatClock(ms: number): string {
  const negative = ms < 0;
  const totalSeconds = negative ? Math.floor(-ms / 1000) : Math.ceil(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  const text = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  return negative && totalSeconds > 0 ? `+${text}` : text;
}
