/**
 * The rules a live's event stream must keep, checked after a run from the events a manager
 * received (`scripts/chaos.ts`, `scripts/soak.ts --hostile`): the engine's invariants of
 * docs/rules.md as an observer sees them.
 *
 * - sequence numbers only go up;
 * - no `seats` event puts one user on two seats;
 * - every seating follows an accepted application or invitation, one seating per acceptance;
 * - every application and invitation has exactly one outcome;
 * - nobody loses a seat or leaves the live to a lost connection, except the users allowed to
 *   (`lostAllowed`), and the live ends only as allowed (`endAllowed`).
 */
import type { ServerEvent } from '../src/protocol/messages.js';
import type { LiveEndReason, SeatInfo } from '../src/protocol/types.js';

export interface LiveInvariantOptions {
  /** Users seated before the first `seats` event (the owner with `keepOwnerOnSeat`). Default `['host']`. */
  readonly seatedAtStart?: readonly string[];
  /** Users whose connection may be lost past the grace period (their seat and membership with it). */
  readonly lostAllowed?: (userId: string) => boolean;
  /** How the live may end: none by default (an end is a failure). */
  readonly endAllowed?: readonly LiveEndReason[];
}

export interface LiveInvariantReport {
  readonly applications: number;
  readonly invitations: number;
  /** Seatings seen (users appearing on a seat). */
  readonly seatsGiven: number;
  /** Broken rules; empty when every rule held. */
  readonly failures: string[];
}

/** Checks the events of one live, in the order they were received. */
export function checkLiveEvents(
  events: readonly ServerEvent[],
  options: LiveInvariantOptions = {},
): LiveInvariantReport {
  const failures: string[] = [];
  const lostAllowed = options.lostAllowed ?? (() => false);
  const endAllowed = options.endAllowed ?? [];
  const outcomes = new Map<string, { received: number; resolved: number }>();
  const accepted = new Map<string, number>();
  const appeared = new Map<string, number>();
  let previous: readonly SeatInfo[] | null = null;
  let applications = 0;
  let invitations = 0;
  const entry = (id: string) => {
    let value = outcomes.get(id);
    if (!value) outcomes.set(id, (value = { received: 0, resolved: 0 }));
    return value;
  };
  const seatedIn = (seats: readonly SeatInfo[]) =>
    seats.flatMap((seat) => (seat.userInfo ? [seat.userInfo.userId] : []));
  let lastSeq = 0;
  for (const envelope of events) {
    if (envelope.seq <= lastSeq) failures.push(`event seq ${envelope.seq} after ${lastSeq}`);
    lastSeq = envelope.seq;
    const event = envelope.event;
    switch (event.type) {
      case 'application.received':
        applications++;
        entry(event.application.requestId).received++;
        break;
      case 'invitation.received':
        invitations++;
        entry(event.invitation.requestId).received++;
        break;
      case 'application.resolved':
      case 'invitation.resolved': {
        entry(event.requestId).resolved++;
        const userId = event.type === 'application.resolved' ? event.user.userId : event.invitee.userId;
        if (event.outcome === 'accepted') accepted.set(userId, (accepted.get(userId) ?? 0) + 1);
        break;
      }
      case 'seats': {
        const now = seatedIn(event.seats);
        if (new Set(now).size !== now.length)
          failures.push(`seq ${envelope.seq}: a user on two seats: ${now.join(',')}`);
        const before = new Set(previous ? seatedIn(previous) : (options.seatedAtStart ?? ['host']));
        for (const userId of now)
          if (!before.has(userId)) appeared.set(userId, (appeared.get(userId) ?? 0) + 1);
        previous = event.seats;
        break;
      }
      case 'seat.lost':
        if (event.reason === 'connectionLost' && !lostAllowed(event.userId))
          failures.push(`seat lost to the connection: ${event.userId}`);
        break;
      case 'member.left':
        if (event.reason === 'connectionLost' && !lostAllowed(event.userId))
          failures.push(`member lost to the connection: ${event.userId}`);
        break;
      case 'live.ended':
        if (!endAllowed.includes(event.reason)) failures.push(`the live ended: ${event.reason}`);
        break;
      default:
        break;
    }
  }
  for (const [requestId, count] of outcomes) {
    if (count.received !== 1 || count.resolved !== 1) {
      failures.push(`${requestId}: received ${count.received}, resolved ${count.resolved}`);
    }
  }
  for (const userId of new Set([...accepted.keys(), ...appeared.keys()])) {
    if ((accepted.get(userId) ?? 0) !== (appeared.get(userId) ?? 0)) {
      failures.push(
        `${userId}: ${appeared.get(userId) ?? 0} seatings for ${accepted.get(userId) ?? 0} acceptances`,
      );
    }
  }
  return {
    applications,
    invitations,
    seatsGiven: [...appeared.values()].reduce((a, b) => a + b, 0),
    failures,
  };
}
