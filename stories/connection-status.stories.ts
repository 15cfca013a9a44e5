/**
 * Stories for <connection-status> (Storybook CSF 3). See stories/README.md.
 *
 * Ada's session on a live of the in-page hub, in each connection state. The badge hides while
 * connected unless `show-connected` is set.
 */
import { html } from 'lit';
import { Session } from '../src/core/index.js';
import '../src/elements/connection-status/connection-status.js';
import { demoLive, liveOf } from './support/live.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

/** The session the `Offline` loader replaced. */
function replacedOf(loaded: Record<string, unknown>): Session {
  const session = loaded.replaced;
  if (!(session instanceof Session)) throw new Error('the story has no replaced session');
  return session;
}

export default {
  title: 'Elements/connection-status',
  component: 'connection-status',
};

/** Connected, shown because of `show-connected`. */
export const Connected = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) =>
    html`<connection-status show-connected .session=${liveOf(loaded).session('ada')}></connection-status>`,
};

/** The server went away: the session tries again and again, and says why. */
export const Reconnecting = {
  loaders: [
    async () => {
      const live = await demoLive({ audience: ['ada'] });
      live.hub.shutdown('the demo server stops');
      return { live };
    },
  ],
  render: (_args: unknown, { loaded }: StoryContext) =>
    html`<connection-status .session=${liveOf(loaded).session('ada')}></connection-status>`,
};

/** Ada signed in somewhere else: this session is replaced and gives up. */
export const Offline = {
  loaders: [
    async () => {
      const live = await demoLive({ audience: ['ada'] });
      const replaced = live.session('ada');
      await live.join('ada');
      return { live, replaced };
    },
  ],
  render: (_args: unknown, { loaded }: StoryContext) =>
    html`<connection-status .session=${replacedOf(loaded)}></connection-status>`,
};
