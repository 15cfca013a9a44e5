/**
 * Stories for <guest-seat-tile> (Storybook CSF 3). See stories/README.md.
 *
 * The tile is shown standalone, from a `SeatInfo` property; inside `<live-core-view>` the same tile
 * is fed from the stores.
 */
import { html } from 'lit';
import '../src/elements/guest-seat-tile/guest-seat-tile.js';
import type { SeatInfo, SeatUserInfo } from '../src/protocol/types.js';

const AVATAR =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#db2777"/><circle cx="32" cy="26" r="12" fill="#fff"/><path d="M12 60a20 20 0 0 1 40 0" fill="#fff"/></svg>',
  );

function user(overrides: Partial<SeatUserInfo> = {}): SeatUserInfo {
  return {
    userId: 'ada',
    userName: 'Ada Lovelace',
    avatarUrl: '',
    liveId: 'story-live',
    role: 'audience',
    microphoneStatus: 'on',
    cameraStatus: 'on',
    allowOpenMicrophone: true,
    allowOpenCamera: true,
    connection: 'online',
    onSeatTimestamp: 0,
    ...overrides,
  };
}

function seat(userInfo: SeatUserInfo | null, overrides: Partial<SeatInfo> = {}): SeatInfo {
  return { index: 1, isLocked: false, isAudioLocked: false, isVideoLocked: false, userInfo, ...overrides };
}

/** A still test picture, standing in for a camera. */
function testPattern(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 180;
  const stream = canvas.captureStream();
  // A canvas stream carries a frame only once the canvas is drawn after capture starts.
  requestAnimationFrame(() => {
    const context = canvas.getContext('2d');
    if (context === null) return;
    const gradient = context.createLinearGradient(0, 0, canvas.width, canvas.height);
    gradient.addColorStop(0, '#f59e0b');
    gradient.addColorStop(1, '#7c3aed');
    context.fillStyle = gradient;
    context.fillRect(0, 0, canvas.width, canvas.height);
  });
  return stream;
}

const frame = 'width: 320px';

export default {
  title: 'Elements/guest-seat-tile',
  component: 'guest-seat-tile',
};

export const Empty = {
  render: () => html`<guest-seat-tile style=${frame} selectable .seat=${seat(null)}></guest-seat-tile>`,
};

export const Locked = {
  render: () =>
    html`<guest-seat-tile style=${frame} .seat=${seat(null, { isLocked: true })}></guest-seat-tile>`,
};

export const CameraOff = {
  render: () =>
    html`<guest-seat-tile
      style=${frame}
      .seat=${seat(user({ cameraStatus: 'off', microphoneStatus: 'off' }))}
    ></guest-seat-tile>`,
};

export const WithAvatar = {
  render: () =>
    html`<guest-seat-tile style=${frame} .seat=${seat(user({ avatarUrl: AVATAR }))}></guest-seat-tile>`,
};

export const WithVideo = {
  render: () =>
    html`<guest-seat-tile style=${frame} .seat=${seat(user())} .stream=${testPattern()}></guest-seat-tile>`,
};

export const Speaking = {
  render: () =>
    html`<guest-seat-tile
      style=${frame}
      speaking
      .seat=${seat(user())}
      .stream=${testPattern()}
    ></guest-seat-tile>`,
};

export const Local = {
  render: () =>
    html`<guest-seat-tile
      style=${frame}
      local
      .seat=${seat(user())}
      .stream=${testPattern()}
    ></guest-seat-tile>`,
};

/** The seat waits for a guest whose connection dropped: "Reconnecting…", state `reconnecting`. */
export const ConnectionLost = {
  render: () =>
    html`<guest-seat-tile style=${frame} .seat=${seat(user({ connection: 'lost' }))}></guest-seat-tile>`,
};

/**
 * The smallest tiles (64px, as the float layouts draw guests on a narrow stage) with a long, a CJK
 * and a right-to-left name, a dropped connection, and a control in the `actions` slot (where
 * `<live-core-view>` puts the host's seat menu): the texts keep clear of each other and of it.
 */
export const SmallTiles = {
  render: () => html`
    <div style="display: flex; gap: 8px">
      ${[
        user({ userId: 'max', userName: 'Maximiliana Alexandrina von Habsburg', cameraStatus: 'off' }),
        user({ userId: 'wang', userName: '王小明的直播间测试用户', cameraStatus: 'off' }),
        user({ userId: 'rtl', userName: 'محمد عبد الرحمن الشريف', cameraStatus: 'off', connection: 'lost' }),
      ].map(
        (info) =>
          html`<guest-seat-tile style="width: 64px; height: 64px" .seat=${seat(info)}>
            <button
              slot="actions"
              type="button"
              aria-label=${`Actions for ${info.userName}`}
              style="width: 24px; height: 24px; padding: 0; border: 0; border-radius: 50%"
            >
              ⋮
            </button>
          </guest-seat-tile>`,
      )}
    </div>
  `,
};

/** The seed's "Refine UI Details": a custom name tag (foreground) and placeholder (background). */
export const CustomLayers = {
  render: () => html`
    <style>
      .story-tag {
        position: absolute;
        left: 8px;
        bottom: 8px;
        padding: 4px 8px;
        border-radius: 12px;
        background: rgb(0 0 0 / 0.5);
        color: #fff;
        font: 14px system-ui;
      }
      .story-placeholder {
        display: grid;
        place-items: center;
        height: 100%;
        background: #424242;
        color: #fff;
        font: 12px system-ui;
      }
    </style>
    <guest-seat-tile style=${frame} .seat=${seat(user({ cameraStatus: 'off' }))}>
      <span slot="foreground" class="story-tag">Ada Lovelace</span>
      <div slot="background" class="story-placeholder">Ada Lovelace</div>
    </guest-seat-tile>
  `,
};

export const DarkTheme = {
  render: () => html`
    <div data-cg-theme="dark" style="padding: 16px; background: #000">
      <guest-seat-tile style=${frame} .seat=${seat(user({ avatarUrl: AVATAR }))}></guest-seat-tile>
    </div>
  `,
};
