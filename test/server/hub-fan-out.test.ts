/**
 * The pure parts of the hub's fan-out: which events a batch keeps, how a member's own events merge
 * with its class's broadcasts, and who an audience class includes on replay. The sending itself is
 * tested through the hub and the server (`hub.test.ts`, `fan-out.test.ts`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inAudience, mergeBySeq, supersede } from '../../src/hub/fan-out.js';
import type { PendingEvent } from '../../src/hub/records.js';
import type { Audience, LiveEvent, Role } from '../../src/protocol/types.js';

const EVENTS = {
  seats: { type: 'seats', seats: [] },
  count: { type: 'member.count', memberCount: 1 },
  role: { type: 'member.role', userId: 'alice', role: 'admin' },
} satisfies Record<string, LiveEvent>;

/** Pending broadcasts from a list of event kinds, numbered from seq 1. */
function pending(...kinds: (keyof typeof EVENTS)[]): PendingEvent[] {
  return kinds.map((kind, i) => ({ seq: i + 1, event: EVENTS[kind], broadcast: 'all', targets: [] }));
}

const seqs = (items: readonly PendingEvent[]): number[] => items.map((item) => item.seq);

describe('hub fan-out', () => {
  describe('supersede', () => {
    const cases: { name: string; kinds: (keyof typeof EVENTS)[]; kept: number[] }[] = [
      { name: 'keeps only the newest member count', kinds: ['count', 'count', 'count'], kept: [3] },
      { name: 'keeps only the newest of adjacent seats', kinds: ['seats', 'seats'], kept: [2] },
      {
        name: 'a count between two seats does not keep the older seats',
        kinds: ['seats', 'count', 'seats'],
        kept: [2, 3],
      },
      { name: 'keeps a seats followed by another event', kinds: ['seats', 'role', 'seats'], kept: [1, 2, 3] },
      { name: 'keeps other events as they are', kinds: ['role', 'role'], kept: [1, 2] },
      { name: 'nothing from nothing', kinds: [], kept: [] },
    ];
    for (const { name, kinds, kept } of cases) {
      it(name, () => assert.deepEqual(seqs(supersede(pending(...kinds))), kept));
    }
  });

  describe('mergeBySeq', () => {
    const at = (...list: number[]): PendingEvent[] =>
      list.map((seq) => ({ seq, event: EVENTS.role, broadcast: null, targets: [] }));
    const cases: { name: string; a: number[]; b: number[]; merged: number[] }[] = [
      { name: 'interleaves two lists in seq order', a: [1, 4, 6], b: [2, 3, 7], merged: [1, 2, 3, 4, 6, 7] },
      { name: 'keeps an event in both lists once', a: [1, 2, 5], b: [2, 5, 8], merged: [1, 2, 5, 8] },
      { name: 'an empty side', a: [], b: [3, 4], merged: [3, 4] },
    ];
    for (const { name, a, b, merged } of cases) {
      it(name, () => assert.deepEqual(seqs(mergeBySeq(at(...a), at(...b))), merged));
    }
  });

  describe('inAudience', () => {
    const roles: Record<string, Role> = { owner: 'owner', admin: 'admin', alice: 'audience' };
    const room = { roleOf: (userId: string): Role | null => roles[userId] ?? null };
    const audiences: Record<string, Audience> = {
      all: { kind: 'all' },
      managers: { kind: 'managers' },
      others: { kind: 'others' },
      'users(alice)': { kind: 'users', userIds: ['alice'] },
      'managersAnd(alice)': { kind: 'managersAnd', userIds: ['alice'] },
    };
    // Which of owner, admin, alice, stranger each class includes.
    const table: Record<string, [boolean, boolean, boolean, boolean]> = {
      all: [true, true, true, true],
      managers: [true, true, false, false],
      others: [false, false, true, true],
      'users(alice)': [false, false, true, false],
      'managersAnd(alice)': [true, true, true, false],
    };
    for (const [name, expected] of Object.entries(table)) {
      it(`${name} includes exactly its members`, () => {
        const audience = audiences[name];
        assert.ok(audience);
        const got = ['owner', 'admin', 'alice', 'stranger'].map((userId) =>
          inAudience(audience, userId, room),
        );
        assert.deepEqual(got, expected);
      });
    }
  });
});
