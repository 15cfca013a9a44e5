/**
 * Rules about roles that every layer shares: the room engine enforces them, the hub routes by them,
 * the stores and elements show what a role may do. One home, so that no layer drifts.
 */
import type { Role } from './types.js';

/** The most seats a live may have (Tencent: "kLive max 16"). Seat indexes are `0..MAX_SEAT_COUNT - 1`. */
export const MAX_SEAT_COUNT = 16;

/**
 * Whether `role` manages the live: the owner and admins accept or reject applications, invite,
 * kick, lock seats and control guests' devices. The server enforces it; clients only show it.
 */
export function isManager(role: Role | null | undefined): boolean {
  return role === 'owner' || role === 'admin';
}
