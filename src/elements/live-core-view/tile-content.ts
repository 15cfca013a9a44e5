/**
 * What `<live-core-view>` puts into each of its tiles besides the page's layers: the tile parts it
 * exports, an empty seat's offer ("Request to join", "Invite") and an occupied seat's full-screen
 * and pin controls (docs/decisions/0034).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { LocalizeController } from '../../i18n/localize-controller.js';
import type { SeatInfo, SeatUserInfo } from '../../protocol/types.js';
import { plusIcon } from '../../utils/icons.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { exitFullscreenIcon, fullscreenIcon, pinIcon } from './icons.js';
import { canFullscreen } from './stage-focus.js';

/** The tile's parts, exported with a `seat-` prefix. */
export const TILE_PARTS = [
  'tile',
  'background',
  'avatar',
  'initials',
  'name',
  'video',
  'empty',
  'foreground',
  'name-tag',
  'tag-name',
  'mic-icon',
  'you-badge',
  'speaking-ring',
  'top-bar',
  'connection-badge',
  'limit-badge',
]
  .map((part) => `${part}: seat-${part}`)
  .join(', ');

/** What activating an empty seat does for the viewer. */
export type EmptySeatAction = 'apply' | 'invite' | null;

/** The texts of the view. */
type Texts = Pick<LocalizeController, 't'>;

/** The label of an empty seat's `action`: "Request to join", "Invite", or `''`. */
export function actionText(action: EmptySeatAction, i18n: Texts): string {
  if (action === null) return '';
  return i18n.t(action === 'apply' ? 'stage.requestToJoin' : 'stage.invite');
}

/** The offer drawn on an empty seat (its tile's `empty` slot), or nothing. */
export function emptyAction(
  seat: SeatInfo,
  action: EmptySeatAction,
  i18n: Texts,
): TemplateResult | typeof nothing {
  if (action === null) return nothing;
  return html`<div slot="empty" class="empty-action" part="empty-action">
    <span class="empty-icon" aria-hidden="true">${plusIcon}</span>
    <span class="seat-number">${i18n.t('stage.seat', { index: seat.index + 1 })}</span>
    <span class="action-label" part="empty-action-label">${actionText(action, i18n)}</span>
  </div>`;
}

/** An occupied seat's controls. */
export interface TileControls {
  readonly user: SeatUserInfo;
  /** The user is pinned: the pin is pressed. */
  readonly pinned: boolean;
  /** The seat's tile is full screen. */
  readonly fullscreen: boolean;
  readonly onPin: (event: MouseEvent) => void;
  readonly onFullscreen: (event: MouseEvent) => void;
}

/**
 * The full-screen control (hidden where the browser has none) and the pin control (a toggle with a
 * fixed name), in that order: the pin sits next to the seat menu.
 */
export function tileControls(controls: TileControls, i18n: Texts): TemplateResult {
  const name = isolate(displayName(controls.user));
  return html`<button
      type="button"
      class="tile-button"
      part="fullscreen-button"
      ?hidden=${!canFullscreen()}
      aria-label=${controls.fullscreen ? i18n.t('stage.exitFullscreen') : i18n.t('stage.fullscreen', { name })}
      @click=${controls.onFullscreen}
    >
      ${controls.fullscreen ? exitFullscreenIcon : fullscreenIcon}</button
    ><button
      type="button"
      class="tile-button"
      part="pin-button"
      aria-pressed=${controls.pinned ? 'true' : 'false'}
      aria-label=${i18n.t('stage.pin', { name })}
      @click=${controls.onPin}
    >
      ${pinIcon}
    </button>`;
}
