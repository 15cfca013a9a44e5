import type { SeatInfo } from './types.js';

/**
 * Whether two seats hold the same data: every field of the seat and of its user. The room hands
 * out one seat list while the seats are unchanged, and the elements re-render only the seats that
 * changed; both ask this.
 */
export function sameSeat(a: SeatInfo, b: SeatInfo): boolean {
  if (
    a.index !== b.index ||
    a.isLocked !== b.isLocked ||
    a.isAudioLocked !== b.isAudioLocked ||
    a.isVideoLocked !== b.isVideoLocked
  ) {
    return false;
  }
  const x = a.userInfo;
  const y = b.userInfo;
  if (x === null || y === null) return x === y;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]) as Set<keyof typeof x>;
  for (const key of keys) if (x[key] !== y[key]) return false;
  return true;
}
