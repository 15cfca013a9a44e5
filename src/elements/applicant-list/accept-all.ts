import type { SeatInfo } from '../../protocol/types.js';

/** What `acceptAllPlan` needs of an applicant. */
export interface PlannedApplicant {
  readonly userId: string;
  /** The seat asked for; `-1` for any free seat. */
  readonly seatIndex: number;
}

/**
 * The applicants that "Accept all" accepts, in arrival order: it walks the applicants as the server
 * would seat them one after the other, giving an applicant who asked for a specific seat that seat
 * when it is free and unlocked (skipping them otherwise: accepting them would fail), and one who
 * asked for any seat the lowest free unlocked seat (the server's choice). It stops when no seat is
 * left.
 *
 * @example acceptAllPlan([{ userId: 'a', seatIndex: -1 }, { userId: 'b', seatIndex: 0 }], seats)
 *   // with only seat 0 free: ['a'] (a takes seat 0, b's seat is then occupied)
 */
export function acceptAllPlan(applicants: readonly PlannedApplicant[], seats: readonly SeatInfo[]): string[] {
  const free = seats.map((seat) => seat.userInfo === null && !seat.isLocked);
  let left = free.filter(Boolean).length;
  const accepted: string[] = [];
  for (const applicant of applicants) {
    if (left === 0) break;
    const index = applicant.seatIndex === -1 ? free.indexOf(true) : applicant.seatIndex;
    if (free[index] !== true) continue;
    free[index] = false;
    left--;
    accepted.push(applicant.userId);
  }
  return accepted;
}
