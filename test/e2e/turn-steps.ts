/**
 * What test/e2e/turn-scenario.ts checks and test/e2e/turn.test.ts reports, shared by both (the
 * scenario's module runs when imported, so the test imports these from here).
 */

/** The media modes the scenario runs, in order. */
export const TURN_MODES = ['mesh', 'sfu'] as const;
export type TurnMode = (typeof TURN_MODES)[number];

/** The layout name of a mode's reports. */
export const turnLayout = (mode: TurnMode): string => `turn-${mode}`;

export const HOST = { userId: 'host', userName: 'Hana' } as const;
export const GUEST = { userId: 'guest', userName: 'Gus' } as const;
export const VIEWER = { userId: 'viewer', userName: 'Vera' } as const;

/** What the scenario checks in each mode, in order; each step needs the ones before it. */
export const TURN_STEPS = [
  'the host starts the live; the guest and the viewer join; the guest applies with camera and microphone; the host accepts',
  "the guest's frames advance at the viewer and at the host, media through TURN only",
  'every peer connection of every page is connected on a relay candidate coturn handed out, with the relay policy',
  'coturn granted an allocation for every peer connection of the mode',
] as const;
