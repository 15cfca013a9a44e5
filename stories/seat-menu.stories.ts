/**
 * Stories for <seat-menu> (Storybook CSF 3). See stories/README.md.
 *
 * The host's menu for one seat of a live on the in-page hub: Ada sits on seat 2 with her camera and
 * microphone on (the host is on seat 1). The menu sits in the corner of a tile-sized box, as
 * `<live-core-view>` places it on each occupied seat.
 */
import { html } from 'lit';
import '../src/elements/seat-menu/seat-menu.js';
import type { SeatMenu } from '../src/elements/seat-menu/seat-menu.js';
import { demoLive, liveOf } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext {
  readonly canvasElement: HTMLElement;
}

/** A dark tile-sized box with the menu in its top-right corner. */
function tile(seatIndex: number, loaded: Record<string, unknown>) {
  const live = liveOf(loaded);
  return html`<div
    style="position: relative; width: 320px; aspect-ratio: 16 / 9; overflow: hidden; border-radius: 12px; background: #1f2937"
  >
    <seat-menu
      style="position: absolute; top: 8px; right: 8px"
      .session=${live.host}
      live-id=${live.liveId}
      seat-index=${seatIndex}
    ></seat-menu>
  </div>`;
}

/** Opens the menu as a keyboard user would, and checks that focus is on its first item. */
async function openMenu({ canvasElement }: PlayContext): Promise<void> {
  const menu = await waitFor(
    () => deepQuery<SeatMenu>(canvasElement, 'seat-menu'),
    'the seat menu is on the page',
  );
  const trigger = await waitFor(
    () => menu.shadowRoot?.querySelector<HTMLButtonElement>('[part~="trigger"]'),
    'the menu button renders',
  );
  trigger.click();
  await waitFor(() => menu.matches(':state(open)'), 'the menu opens');
  const active = menu.shadowRoot?.activeElement;
  assert(active?.getAttribute('role') === 'menuitem', 'focus is on the first item');
}

const withAda = [async () => ({ live: await demoLive({ audience: ['ada', 'grace'], seated: ['ada'] }) })];

export default {
  title: 'Elements/seat-menu',
  component: 'seat-menu',
};

/** The closed menu on Ada's tile: a 32px round button that reads on video. */
export const Closed = {
  loaders: withAda,
  render: (_args: unknown, { loaded }: StoryContext) => tile(1, loaded),
};

/** Open for a guest with the microphone and camera on: close, forbid, move, lock, kick. */
export const OpenForGuest = {
  loaders: withAda,
  render: (_args: unknown, { loaded }: StoryContext) => tile(1, loaded),
  play: openMenu,
};

/** Open for an empty seat: only Lock seat. */
export const OpenForEmptySeat = {
  loaders: withAda,
  render: (_args: unknown, { loaded }: StoryContext) => tile(4, loaded),
  play: openMenu,
};
