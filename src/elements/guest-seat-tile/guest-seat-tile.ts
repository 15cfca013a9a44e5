import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import { VideoTrackController } from '../../controllers/video-track-controller.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { SeatInfo, SeatUserInfo } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { lockIcon, microphoneIcon, microphoneOffIcon, personIcon, plusIcon } from '../../utils/icons.js';
import { isFromInteractiveDescendant } from '../../utils/interactive.js';
import { displayName, initials, isolate, safeImageUrl } from '../../utils/safe-url.js';
import styles from './guest-seat-tile.styles.js';
import { SeatSelectEvent, EmptySeatSelectEvent } from './events.js';
import '../connection-quality/connection-quality.js';

export * from './events.js';

/** What one render shows, derived from the properties and the stream. */
interface View {
  readonly seat: SeatInfo | null;
  readonly user: SeatUserInfo | null;
  readonly hasVideo: boolean;
  readonly micOn: boolean;
  readonly speaking: boolean;
  readonly lost: boolean;
}

/**
 * One seat of the live stage (the web's `VideoWidgetBuilder` cell): the user's video, with a
 * foreground layer always drawn on top of it and a background layer drawn while the user has no
 * video. An empty seat shows an empty-state layer instead.
 *
 * Layers, bottom to top: `background` (only while the seat's user has no video: no stream with a
 * live video track, or `cameraStatus` is `'off'`), `video`, `empty` (only for an empty seat),
 * `foreground` (always), then the top bar: the tile's badges, and the `actions` slot at its inline
 * end. Slotted content stays in the page's light DOM, so page CSS styles it.
 *
 * One name per tile: the name tag's. On a small tile (under 120px wide) the edges tighten and a
 * slotted `<seat-menu>` is 24px (`--seat-menu-size`); on a short one (under 100px high) the default
 * background shows no avatar; the badges give way (ellipsis) to the actions; so no text covers
 * another or the actions at any size.
 *
 * Texts come from the i18n layer (`setLocale`, `registerMessages`). Seat numbers shown to people
 * are `seat.index + 1`.
 *
 * @summary A seat of the live stage: video, avatar placeholder and name tag.
 *
 * @slot foreground - Drawn over the video at all times (name tag, badges). Default: the name tag
 *   with the microphone state, and the speaking ring.
 * @slot background - Drawn while the user has no video. Default: the avatar (initials when there is
 *   no avatar or it fails to load), clear of the top bar and the name tag.
 * @slot actions - Per-seat controls at the top inline-end corner, over every layer
 *   (`<live-core-view>` puts the host's `<seat-menu>` there); the badges never cover them.
 * @slot empty - Drawn while the seat is empty. Default: the seat number and "Empty seat" or
 *   "Locked".
 *
 * @csspart tile - The box holding every layer; it carries the accessible name and takes focus.
 * @csspart background - The background layer.
 * @csspart avatar - The avatar image (default background).
 * @csspart initials - The initials placeholder shown instead of a missing avatar.
 * @csspart name - The user's name (in the name tag).
 * @csspart video - The `<video>` element.
 * @csspart empty - The empty-seat layer.
 * @csspart foreground - The foreground layer.
 * @csspart name-tag - The name tag (default foreground).
 * @csspart tag-name - The user's name in the name tag.
 * @csspart mic-icon - The microphone state icon in the name tag.
 * @csspart you-badge - "You" in the name tag of the local user's tile.
 * @csspart speaking-ring - The ring drawn while the user speaks (default foreground).
 * @csspart top-bar - The row over the top of the tile: the badges, then the `actions` slot.
 * @csspart connection-badge - "Reconnecting…" while the seat waits for its user's connection (in the
 *   top bar).
 * @csspart limit-badge - "Viewer limit reached" while `viewer-limit` keeps the video away (in the top
 *   bar).
 * @csspart connection-quality - The `<connection-quality>` bars of the seat's user, first in the top
 *   bar: the quality of the connection with them, or the local user's own uplink. Shown once
 *   measured (not while `unknown`), unless `no-connection-quality` is set.
 *
 * @cssproperty [--seat-radius=var(--cg-radius-l, 12px)] - Corner radius of the tile.
 * @cssproperty [--seat-background=var(--cg-color-stage)] - Fill behind the layers.
 * @cssproperty [--seat-aspect-ratio=16 / 9] - Shape of the tile when its height is not set.
 * @cssproperty [--seat-video-fit=cover] - `object-fit` of the video.
 * @cssproperty [--seat-avatar-size=clamp(24px, 36cqmin, 96px)] - Size of the default avatar.
 * @cssproperty [--seat-local-video-transform=scaleX(-1)] - Transform of the local user's own video
 *   (a mirror by default; `none` to show it as others see it).
 *
 * @cssstate empty - The seat has no user (or no seat is set).
 * @cssstate camera-off - The seat's user has no video; the background layer is shown.
 * @cssstate mic-off - The seat's user has the microphone off.
 * @cssstate speaking - The seat's user speaks (`speaking` is set and the microphone is on).
 * @cssstate local - The tile shows the local user (`local` is set).
 * @cssstate locked - The seat is locked.
 * @cssstate reconnecting - The seat's user lost the connection and the seat is held for them, for
 *   the live's grace period (`userInfo.connection` is `'lost'`), or their media is on its way back
 *   (`media-reconnecting`): "Reconnecting…" shows.
 * @cssstate connection-lost - The same as `reconnecting` (its earlier name, kept for pages that use it).
 * @cssstate viewer-limit - The user's video cannot reach this viewer: the live's viewer limit.
 *
 * @fires {SeatSelectEvent} seat-select - A `selectable` occupied tile was activated by click,
 *   Enter or Space. Bubbles, composed; carries `seatIndex` and `userInfo`.
 * @fires {EmptySeatSelectEvent} empty-seat-select - A `selectable` empty tile was activated.
 *   Bubbles, composed; carries `seatIndex` and `isLocked`.
 */
export class GuestSeatTile extends LitElement {
  static override styles = [tokens, base, styles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** The seat to show; `null` (default) or a seat whose `userInfo` is `null` shows an empty seat. */
  @property({ attribute: false }) seat: SeatInfo | null = null;

  /**
   * The seat user's media. Video shows while it has a live video track and the user's camera is on.
   * The tile plays the picture only (its video is muted): the media layer (`LiveMedia`) plays each
   * user's sound once, whatever number of tiles show them. The video's `srcObject` is set only when
   * the stream changes: setting it again, even to the same stream, reloads the video (a black flash).
   */
  @property({ attribute: false }) stream: MediaStream | null = null;

  /** The tile shows the local user: their own video is mirrored. */
  @property({ type: Boolean }) local = false;

  /** The seat's user is speaking (from an audio level meter); shown only while their mic is on. */
  @property({ type: Boolean }) speaking = false;

  /** The tile can be focused and activated (click, Enter, Space); it then fires `seat-select`. */
  @property({ type: Boolean }) selectable = false;

  /**
   * What activating an empty `selectable` tile does ("Request to join", "Invite"), added to its
   * accessible name so the name states the action. `''` (default) adds nothing.
   */
  @property({ attribute: 'action-label' }) actionLabel = '';

  /**
   * The viewer cannot receive this user's video because the user already sends to as many viewers as
   * the live allows (`VIEWER_LIMIT`): the tile says so over its background layer.
   */
  @property({ type: Boolean, attribute: 'viewer-limit' }) viewerLimit = false;

  /**
   * The user's media is on its way back: the connection that carried it to this viewer is being made
   * again (the media server moved the live, or the connection failed). "Reconnecting…" shows, as
   * while the user's own connection is lost.
   */
  @property({ type: Boolean, attribute: 'media-reconnecting' }) mediaReconnecting = false;

  /**
   * Hides the connection-quality bars (`<connection-quality>`, from the live's `getStats()`); the
   * tile then reads no statistics.
   */
  @property({ type: Boolean, attribute: 'no-connection-quality' }) noConnectionQuality = false;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #video = new VideoTrackController(this);
  /** An avatar URL that failed to load; the initials show instead until the URL changes. */
  #failedAvatarUrl = '';
  #view: View = {
    seat: null,
    user: null,
    hasVideo: false,
    micOn: false,
    speaking: false,
    lost: false,
  };

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('stream')) this.#video.setStream(this.stream);
    const seat = this.seat;
    const user = seat?.userInfo ?? null;
    const micOn = user?.microphoneStatus === 'on';
    const view: View = {
      seat,
      user,
      hasVideo: user !== null && user.cameraStatus === 'on' && this.#video.hasVideo,
      micOn,
      speaking: this.speaking && micOn,
      lost: user !== null && (user.connection === 'lost' || this.mediaReconnecting),
    };
    this.#view = view;
    setStates(this.#internals, {
      empty: user === null,
      'camera-off': user !== null && !view.hasVideo,
      'mic-off': user !== null && !micOn,
      speaking: view.speaking,
      local: this.local,
      locked: seat?.isLocked ?? false,
      'connection-lost': view.lost,
      reconnecting: view.lost,
      'viewer-limit': user !== null && this.viewerLimit && !view.hasVideo,
    });
  }

  protected override render() {
    const { seat, user, hasVideo, micOn, speaking, lost } = this.#view;
    const empty = user === null;
    const name = user === null ? '' : displayName(user);
    const avatarUrl = user === null ? '' : safeImageUrl(user.avatarUrl);
    const showAvatar = avatarUrl !== '' && avatarUrl !== this.#failedAvatarUrl;
    const userInitials = initials(name);
    const locked = seat?.isLocked ?? false;
    const selectable = this.selectable && seat !== null;

    return html`
      <div
        class="tile"
        part="tile"
        role="group"
        aria-label=${this.#label()}
        lang=${this.#i18n.lang}
        tabindex=${ifDefined(selectable ? 0 : undefined)}
        @click=${this.#onClick}
        @keydown=${this.#onKeyDown}
      >
        <div class="layer background" part="background" ?hidden=${empty || hasVideo}>
          <slot name="background">
            <div class="placeholder">
              ${
                showAvatar
                  ? html`<img
                      class="avatar"
                      part="avatar"
                      src=${avatarUrl}
                      alt=""
                      draggable="false"
                      @error=${this.#onAvatarError}
                    />`
                  : nothing
              }
              <span class="avatar initials" part="initials" aria-hidden="true" ?hidden=${showAvatar}
                >${userInitials === '' ? personIcon : userInitials}</span
              >
            </div>
          </slot>
        </div>
        <video
          class=${classMap({ layer: true, video: true, mirrored: this.local })}
          part="video"
          ?hidden=${!hasVideo}
          .srcObject=${live(empty ? null : this.stream)}
          .muted=${true}
          autoplay
          playsinline
          disablepictureinpicture
        ></video>
        <div class="layer empty" part="empty" ?hidden=${!empty}>
          <slot name="empty">
            <div class="placeholder">
              <span class="empty-icon" aria-hidden="true">${locked ? lockIcon : plusIcon}</span>
              ${seat === null ? nothing : html`<span class="seat-number">${this.#seatLabel(seat)}</span>`}
              <span>${this.#i18n.t(locked ? 'tile.locked' : 'tile.emptySeat')}</span>
            </div>
          </slot>
        </div>
        <div class="layer foreground" part="foreground">
          <slot name="foreground">
            <div
              class=${classMap({ ring: true, on: speaking })}
              part="speaking-ring"
              aria-hidden="true"
            ></div>
            <div class="name-tag" part="name-tag" ?hidden=${empty}>
              <span class="mic-icon" part="mic-icon" aria-hidden="true"
                >${micOn ? microphoneIcon : microphoneOffIcon}</span
              >
              <bdi class="tag-name" part="name tag-name">${name}</bdi>
              ${
                this.local
                  ? html`<span class="you" part="you-badge">${this.#i18n.t('tile.you')}</span>`
                  : nothing
              }
            </div>
          </slot>
        </div>
        <div class="bar" part="top-bar">
          ${
            user === null || this.noConnectionQuality
              ? nothing
              : html`<connection-quality
                  class="quality"
                  part="connection-quality"
                  user-id=${user.userId}
                ></connection-quality>`
          }
          <span class="badge" part="connection-badge" ?hidden=${!lost}
            >${this.#i18n.t('tile.reconnecting')}</span
          >
          <span class="badge" part="limit-badge" ?hidden=${empty || hasVideo || !this.viewerLimit}
            >${this.#i18n.t('tile.viewerLimit')}</span
          >
          <slot name="actions"></slot>
        </div>
      </div>
    `;
  }

  #onClick(event: MouseEvent): void {
    if (!this.selectable || isFromInteractiveDescendant(event, event.currentTarget as Element)) return;
    this.#select();
  }

  #onKeyDown(event: KeyboardEvent): void {
    if (!this.selectable || event.composedPath()[0] !== event.currentTarget) return;
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    if (!event.repeat) this.#select();
  }

  #onAvatarError(event: Event): void {
    this.#failedAvatarUrl = (event.target as HTMLImageElement).src;
    this.requestUpdate();
  }

  #select(): void {
    const seat = this.seat;
    if (seat === null) return;
    this.dispatchEvent(
      seat.userInfo === null
        ? new EmptySeatSelectEvent(seat.index, seat.isLocked)
        : new SeatSelectEvent(seat.index, seat.userInfo),
    );
  }

  #seatLabel(seat: SeatInfo): string {
    return this.#i18n.t('tile.seat', { index: seat.index + 1 });
  }

  /** The tile's accessible name: seat, user and what they do ("Seat 2, Ada, Microphone off, …"). */
  #label(): string {
    const { seat, user, hasVideo, micOn, speaking, lost } = this.#view;
    const t = this.#i18n.t.bind(this.#i18n);
    const parts: string[] = seat === null ? [] : [this.#seatLabel(seat)];
    if (user === null) {
      parts.push(t(seat?.isLocked === true ? 'tile.locked' : 'tile.emptySeat'));
      if (this.selectable && this.actionLabel.trim() !== '') parts.push(this.actionLabel.trim());
    } else {
      parts.push(isolate(displayName(user)));
      if (this.local) parts.push(t('tile.you'));
      parts.push(t(micOn ? 'tile.micOn' : 'tile.micOff'));
      parts.push(t(hasVideo ? 'tile.cameraOn' : 'tile.cameraOff'));
      if (speaking) parts.push(t('tile.speaking'));
      if (lost) parts.push(t('tile.reconnecting'));
      if (this.viewerLimit && !hasVideo) parts.push(t('tile.viewerLimit'));
    }
    return parts.join(t('tile.separator'));
  }
}

customElements.define('guest-seat-tile', GuestSeatTile);

declare global {
  interface HTMLElementTagNameMap {
    'guest-seat-tile': GuestSeatTile;
  }
}
