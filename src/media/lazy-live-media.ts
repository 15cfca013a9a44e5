/**
 * The old path of `LiveMedia` and `mediaFor` (src/media/live-media.ts), until
 * src/elements/live-core-view imports them from there (docs/decisions/0030).
 *
 * @deprecated Import from `./live-media.js`.
 */
export { LiveMedia, mediaFor, type LiveMediaView, type ViewerStatus } from './live-media.js';
