/**
 * Key stories: the ones compared with committed pictures in `npm test` (test/browser/visual.test.ts),
 * each in the light and the dark theme. A story is named by its Storybook id (the part after
 * `?id=` in Storybook's address: `elements-<tag>--<story-in-kebab-case>`).
 *
 * To add one: add its id here, run `npm run screenshots:update`, look at the two new pictures in
 * test/visual/baselines/ and commit them with the change. Pick stories whose picture does not
 * depend on the clock (waiting times, countdowns) nor show Chinese or Korean text (the pictures are
 * made with Debian's DejaVu fonts only; a machine with CJK fonts would draw those differently), and
 * the main states of each element; video is
 * shown as flat grey in the pictures, so a synthetic camera never makes a difference. The story's
 * `play` runs before the picture is taken. Content outside the frame's box (a popover in the top
 * layer, a fixed overlay) is not in the picture: for a story whose subject is such content, name
 * the part to take instead in `KEY_STORY_PARTS`.
 */
export const KEY_STORIES: readonly string[] = [
  'elements-guest-seat-tile--empty',
  'elements-guest-seat-tile--locked',
  'elements-guest-seat-tile--camera-off',
  'elements-guest-seat-tile--with-avatar',
  'elements-guest-seat-tile--speaking',
  'elements-guest-seat-tile--connection-lost',
  'elements-apply-button--idle',
  'elements-apply-button--connected',
  'elements-connection-status--offline',
  'elements-invitation-prompt--without-deadline',
  'elements-live-notifications--for-host',
  'elements-live-core-view--dynamic-grid',
  'elements-live-core-view--float-desktop',
  'elements-live-core-view--grid',
  'elements-live-core-view--speaker',
  'elements-live-core-view--pinned',
];

/** Key stories pictured by one part of their element rather than by the frame (a top-layer dialog). */
export const KEY_STORY_PARTS: Readonly<Record<string, string>> = {
  'elements-invitation-prompt--without-deadline': 'card',
};
