import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { elapsedMs, formatClock, remainingMs, serverNow, urgency } from '../src/lib/countdown';
import { backoffDelay } from '../src/lib/backoff';

const start = Date.UTC(2026, 0, 1, 9, 0, 0);

describe('countdown with a fake clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(start);
  });
  afterEach(() => vi.useRealTimers());

  it('counts down a running timer from the server clock', () => {
    const offset = 2_000; // the server's clock runs 2 s ahead of this device
    const timer = { limit_ms: 480_000, used_ms: 60_000, running_since: start + offset - 30_000 };
    expect(remainingMs(timer, serverNow(Date.now(), offset))).toBe(390_000);
    vi.advanceTimersByTime(90_000);
    expect(remainingMs(timer, serverNow(Date.now(), offset))).toBe(300_000);
    expect(formatClock(remainingMs(timer, serverNow(Date.now(), offset)))).toBe('05:00');
  });

  it('stands still while paused', () => {
    const timer = { limit_ms: 480_000, used_ms: 100_000, running_since: null };
    const before = remainingMs(timer, Date.now());
    vi.advanceTimersByTime(60_000);
    expect(remainingMs(timer, Date.now())).toBe(before);
    expect(elapsedMs(timer, Date.now())).toBe(100_000);
  });

  it('goes negative on overrun and says so', () => {
    const timer = { limit_ms: 60_000, used_ms: 0, running_since: start };
    vi.advanceTimersByTime(65_000);
    expect(remainingMs(timer, Date.now())).toBe(-5_000);
    expect(urgency(timer, Date.now())).toBe('overrun');
    expect(formatClock(remainingMs(timer, Date.now()))).toBe('+00:05');
  });

  it('warns near the end and turns critical in the last 30 seconds', () => {
    const timer = { limit_ms: 480_000, used_ms: 0, running_since: start };
    expect(urgency(timer, Date.now())).toBe('normal');
    vi.advanceTimersByTime(480_000 - 120_000);
    expect(urgency(timer, Date.now())).toBe('warning');
    vi.advanceTimersByTime(90_000);
    expect(urgency(timer, Date.now())).toBe('critical');
  });

  it('rounds up while counting down so that 00:00 means the end', () => {
    expect(formatClock(59_001)).toBe('01:00');
    expect(formatClock(1)).toBe('00:01');
    expect(formatClock(0)).toBe('00:00');
    expect(formatClock(-999)).toBe('00:00');
    expect(formatClock(-61_000)).toBe('+01:01');
  });

  it('never counts a start in the future', () => {
    const timer = { limit_ms: 10_000, used_ms: 0, running_since: start + 5_000 };
    expect(remainingMs(timer, Date.now())).toBe(10_000);
  });
});

describe('reconnect backoff', () => {
  it('doubles, stays within half and all of each step, and is capped', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(3_000);
    expect(backoffDelay(30, () => 1)).toBe(15_000);
    expect(backoffDelay(30, () => 0)).toBe(7_500);
  });
});
