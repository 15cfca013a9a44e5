/**
 * Pure helpers about seats: which index is valid, which seat a request gets, and how a refusal reads.
 * Table-tested in `test/engine/seats.test.ts`; the room engine and clients share them.
 */
import { ErrorCode } from '../protocol/errors.js';

export { MAX_SEAT_COUNT } from '../protocol/roles.js';

/** Seats in a live when `live.create` does not say. */
export const DEFAULT_SEAT_COUNT = 9;

/** What `chooseSeat` needs to know about a seat: its lock and whether someone sits on it. */
export interface SeatAvailability {
  readonly isLocked: boolean;
  /** Anything non-null means occupied. */
  readonly occupant: object | null;
}

/** Why a seat cannot be given. */
export type SeatRefusalCode =
  | typeof ErrorCode.SEAT_INDEX_NOT_EXIST
  | typeof ErrorCode.SEAT_OCCUPIED
  | typeof ErrorCode.SEAT_LOCKED
  | typeof ErrorCode.ALL_SEATS_OCCUPIED;

export type SeatChoice =
  { readonly ok: true; readonly index: number } | { readonly ok: false; readonly code: SeatRefusalCode };

/** Whether `index` names an existing seat (`0 <= index < seatCount`, an integer). */
export function isSeatIndex(index: number, seatCount: number): boolean {
  return Number.isInteger(index) && index >= 0 && index < seatCount;
}

/**
 * The seat a request for `requested` gets now: that seat if it is free and unlocked, or for `-1` the
 * lowest free unlocked seat. An occupied seat is reported before a locked one.
 */
export function chooseSeat(seats: readonly SeatAvailability[], requested: number): SeatChoice {
  if (requested === -1) {
    const index = seats.findIndex((seat) => seat.occupant === null && !seat.isLocked);
    return index === -1 ? { ok: false, code: ErrorCode.ALL_SEATS_OCCUPIED } : { ok: true, index };
  }
  const seat = isSeatIndex(requested, seats.length) ? seats[requested] : undefined;
  if (seat === undefined) return { ok: false, code: ErrorCode.SEAT_INDEX_NOT_EXIST };
  if (seat.occupant !== null) return { ok: false, code: ErrorCode.SEAT_OCCUPIED };
  if (seat.isLocked) return { ok: false, code: ErrorCode.SEAT_LOCKED };
  return { ok: true, index: requested };
}

/** A readable English sentence for a seat refusal. */
export function describeSeatRefusal(code: SeatRefusalCode, requested: number, seatCount: number): string {
  switch (code) {
    case ErrorCode.SEAT_INDEX_NOT_EXIST:
      return `Seat ${requested} does not exist: this live has seats 0 to ${seatCount - 1} (or -1 for any free seat).`;
    case ErrorCode.SEAT_OCCUPIED:
      return `Seat ${requested} is already occupied.`;
    case ErrorCode.SEAT_LOCKED:
      return `Seat ${requested} is locked by the host.`;
    case ErrorCode.ALL_SEATS_OCCUPIED:
      return 'Every seat is occupied or locked.';
  }
}
