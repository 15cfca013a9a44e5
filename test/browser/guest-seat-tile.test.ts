import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { nothing } from 'lit';
import {
  EmptySeatSelectEvent,
  GuestSeatTile,
  SeatSelectEvent,
} from '../../src/elements/guest-seat-tile/guest-seat-tile.js';
import { BUILT_IN_LOCALES, registerMessages, loadLocale, setLocale } from '../../src/i18n/index.js';
import type { SeatInfo, SeatUserInfo } from '../../src/protocol/types.js';
import {
  endedVideoStream,
  isShown,
  liveVideoStream,
  queryPart,
  queryPartAll,
  runLayerContract,
  stopStreams,
} from './shared/layers.js';

/** A 1×1 GIF: a valid avatar that loads without network. */
const AVATAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';
/** An image URL whose content cannot be decoded: the avatar fails, without network. */
const BROKEN_AVATAR = 'data:image/png;base64,AAAA';

function user(overrides: Partial<SeatUserInfo> = {}): SeatUserInfo {
  return {
    userId: 'u-ada',
    userName: 'Ada Lovelace',
    avatarUrl: '',
    liveId: 'live-1',
    role: 'audience',
    microphoneStatus: 'on',
    cameraStatus: 'on',
    allowOpenMicrophone: true,
    allowOpenCamera: true,
    connection: 'online',
    onSeatTimestamp: 1,
    ...overrides,
  };
}

function seat(userInfo: SeatUserInfo | null = user(), overrides: Partial<SeatInfo> = {}): SeatInfo {
  return { index: 2, isLocked: false, isAudioLocked: false, isVideoLocked: false, userInfo, ...overrides };
}

async function tile(
  options: {
    seat?: SeatInfo | null;
    stream?: MediaStream | null;
    attrs?: Partial<Record<'local' | 'speaking' | 'selectable' | 'media-reconnecting', boolean>>;
  } = {},
): Promise<GuestSeatTile> {
  const { attrs = {} } = options;
  return fixture<GuestSeatTile>(
    html`<guest-seat-tile
      style="width: 320px"
      .seat=${options.seat === undefined ? seat() : options.seat}
      .stream=${options.stream ?? null}
      ?local=${attrs.local ?? false}
      ?speaking=${attrs.speaking ?? false}
      ?selectable=${attrs.selectable ?? false}
      ?media-reconnecting=${attrs['media-reconnecting'] ?? false}
    ></guest-seat-tile>`,
  );
}

function part(el: GuestSeatTile, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function label(el: GuestSeatTile): string {
  return part(el, 'tile').getAttribute('aria-label') ?? '';
}

/** `label` without the Unicode isolation marks around user names. */
function plainLabel(el: GuestSeatTile): string {
  return label(el).replace(/[\u2068\u2069]/g, '');
}

describe('<guest-seat-tile>', () => {
  afterEach(() => {
    stopStreams();
  });

  describe('accessibility', () => {
    const states: readonly (readonly [string, () => Promise<GuestSeatTile>])[] = [
      ['no seat', () => tile({ seat: null })],
      ['empty', () => tile({ seat: seat(null) })],
      ['empty and locked', () => tile({ seat: seat(null, { isLocked: true }) })],
      ['empty and selectable', () => tile({ seat: seat(null), attrs: { selectable: true } })],
      ['occupied, camera off', () => tile({ seat: seat(user({ cameraStatus: 'off' })) })],
      ['occupied, with an avatar', () => tile({ seat: seat(user({ avatarUrl: AVATAR })) })],
      ['occupied, with video', () => tile({ stream: liveVideoStream() })],
      ['occupied, mic off', () => tile({ seat: seat(user({ microphoneStatus: 'off' })) })],
      ['speaking', () => tile({ stream: liveVideoStream(), attrs: { speaking: true } })],
      ['local', () => tile({ stream: liveVideoStream(), attrs: { local: true } })],
      ['connection lost', () => tile({ seat: seat(user({ connection: 'lost' })) })],
      ['selectable', () => tile({ attrs: { selectable: true } })],
      [
        'hostile name',
        () => tile({ seat: seat(user({ userName: '"><img src=x onerror=alert(1)>\u202Eevil' })) }),
      ],
      ['very long name', () => tile({ seat: seat(user({ userName: 'W'.repeat(500) })) })],
    ];
    for (const [name, make] of states) {
      it(`passes axe: ${name}`, async () => {
        const el = await make();
        await expect(el).to.be.accessible();
      });
    }

    it('is a group named by the seat, the user and their devices', async () => {
      const el = await tile({ seat: seat(user({ microphoneStatus: 'off', cameraStatus: 'off' })) });
      expect(part(el, 'tile').getAttribute('role')).to.equal('group');
      expect(plainLabel(el)).to.equal('Seat 3, Ada Lovelace, Microphone off, Camera off');
    });

    it('says when the camera is on, the user speaks, is you, or lost the connection', async () => {
      const el = await tile({ stream: liveVideoStream(), attrs: { speaking: true, local: true } });
      expect(plainLabel(el)).to.equal('Seat 3, Ada Lovelace, You, Microphone on, Camera on, Speaking');
      el.seat = seat(user({ connection: 'lost' }));
      await el.updateComplete;
      expect(plainLabel(el)).to.include('Reconnecting…');
    });

    it('names an empty seat, and a locked one', async () => {
      const el = await tile({ seat: seat(null) });
      expect(label(el)).to.equal('Seat 3, Empty seat');
      el.seat = seat(null, { isLocked: true });
      await el.updateComplete;
      expect(label(el)).to.equal('Seat 3, Locked');
    });

    it('adds the action of a selectable empty tile to its name', async () => {
      const el = await tile({ seat: seat(null), attrs: { selectable: true } });
      el.actionLabel = 'Request to join';
      await el.updateComplete;
      expect(label(el)).to.equal('Seat 3, Empty seat, Request to join');
      el.selectable = false;
      await el.updateComplete;
      expect(label(el), 'not selectable: no action').to.equal('Seat 3, Empty seat');
      el.selectable = true;
      el.seat = seat(user());
      await el.updateComplete;
      expect(plainLabel(el), 'occupied: no action').to.not.include('Request to join');
    });

    it('says when the viewer limit keeps the video away', async () => {
      const el = await tile({ seat: seat(user({ cameraStatus: 'on' })) });
      el.viewerLimit = true;
      await el.updateComplete;
      expect(plainLabel(el)).to.include('Viewer limit reached');
      expect(isShown(part(el, 'limit-badge')), 'the badge shows').to.equal(true);
      expect(el.matches(':state(viewer-limit)')).to.equal(true);
      await expect(el).to.be.accessible();
      el.stream = liveVideoStream();
      await el.updateComplete;
      expect(isShown(part(el, 'limit-badge')), 'video arrived: no badge').to.equal(false);
      expect(el.matches(':state(viewer-limit)')).to.equal(false);
    });

    it('isolates the user name in its accessible name', async () => {
      const el = await tile({ seat: seat(user({ userName: '\u202Eevil' })) });
      expect(label(el)).to.include('\u2068\u202Eevil\u2069');
    });

    it('hides every icon from assistive technology', async () => {
      const el = await tile({ seat: seat(user({ microphoneStatus: 'off' })) });
      const icons = [...el.shadowRoot!.querySelectorAll('svg')];
      expect(icons.length).to.be.greaterThan(0);
      for (const icon of icons)
        expect(icon.closest('[aria-hidden="true"]') !== null, 'icon hidden').to.equal(true);
    });

    it('draws its icons as SVG', async () => {
      const el = await tile({ seat: seat(null) });
      const shapes = [...el.shadowRoot!.querySelectorAll('[part~="empty"] svg *')];
      expect(shapes.length).to.be.greaterThan(0);
      for (const shape of shapes) expect(shape instanceof SVGGraphicsElement, shape.localName).to.equal(true);
    });

    it('gives the avatar an empty alt text (the name is written next to it)', async () => {
      const el = await tile({ seat: seat(user({ avatarUrl: AVATAR })) });
      expect(part(el, 'avatar').getAttribute('alt')).to.equal('');
    });

    it('is focusable only when selectable', async () => {
      const el = await tile();
      expect(part(el, 'tile').hasAttribute('tabindex')).to.equal(false);
      el.selectable = true;
      await el.updateComplete;
      expect(part(el, 'tile').getAttribute('tabindex')).to.equal('0');
    });

    it('is reached with the Tab key when selectable', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <button type="button">before</button>
          <guest-seat-tile selectable .seat=${seat()}></guest-seat-tile>
        </div>`,
      );
      wrapper.querySelector('button')!.focus();
      await sendKeys({ press: 'Tab' });
      const el = wrapper.querySelector('guest-seat-tile')!;
      expect(document.activeElement === el, 'the tile has focus').to.equal(true);
      expect(el.shadowRoot!.activeElement === part(el, 'tile'), 'its tile part has focus').to.equal(true);
    });

    it('marks its texts with the language of the messages', async () => {
      const el = await tile();
      expect(part(el, 'tile').getAttribute('lang')).to.equal('en');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('guest-seat-tile');
      expect(el).to.be.instanceOf(GuestSeatTile);
      expect([el.seat, el.stream, el.local, el.speaking, el.selectable]).to.deep.equal([
        null,
        null,
        false,
        false,
        false,
      ]);
    });

    it('takes local, speaking and selectable as attributes', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<guest-seat-tile local speaking selectable .seat=${seat()}></guest-seat-tile>`,
      );
      expect([el.local, el.speaking, el.selectable]).to.deep.equal([true, true, true]);
    });

    it('shows the user name once, in the name tag; the background shows the avatar', async () => {
      const el = await tile();
      expect(part(el, 'tag-name').textContent).to.equal('Ada Lovelace');
      expect(queryPartAll(el, 'name').filter(isShown).length).to.equal(1);
      expect(isShown(part(el, 'initials'))).to.equal(true);
    });

    it('shows the user id when the name is blank', async () => {
      const el = await tile({ seat: seat(user({ userName: '   ' })) });
      expect(part(el, 'tag-name').textContent).to.equal('u-ada');
    });

    it('shows the avatar when there is one', async () => {
      const el = await tile({ seat: seat(user({ avatarUrl: AVATAR })) });
      const avatar = part(el, 'avatar') as HTMLImageElement;
      expect(avatar.getAttribute('src')).to.equal(AVATAR);
      expect(isShown(avatar)).to.equal(true);
      expect(isShown(queryPart(el, 'initials'))).to.equal(false);
    });

    it('shows initials when there is no avatar', async () => {
      const el = await tile();
      expect(queryPart(el, 'avatar') === null, 'no avatar image').to.equal(true);
      expect(isShown(part(el, 'initials'))).to.equal(true);
      expect(part(el, 'initials').textContent?.trim()).to.equal('AL');
    });

    it('falls back to initials when the avatar fails to load', async () => {
      const el = await tile({ seat: seat(user({ avatarUrl: BROKEN_AVATAR })) });
      await waitUntil(() => queryPart(el, 'avatar') === null, 'the broken avatar is dropped');
      expect(queryPart(el, 'avatar') === null, 'no avatar image').to.equal(true);
      expect(part(el, 'initials').textContent?.trim()).to.equal('AL');
    });

    it('tries a new avatar URL after a failed one', async () => {
      const el = await tile({ seat: seat(user({ avatarUrl: BROKEN_AVATAR })) });
      await waitUntil(() => queryPart(el, 'avatar') === null, 'the broken avatar is dropped');
      el.seat = seat(user({ avatarUrl: AVATAR }));
      await el.updateComplete;
      expect(part(el, 'avatar').getAttribute('src')).to.equal(AVATAR);
    });

    it('shows a person icon when the name has nothing to make initials from', async () => {
      const el = await tile({ seat: seat(user({ userName: '!!!' })) });
      expect(part(el, 'initials').textContent?.trim()).to.equal('');
      expect(part(el, 'initials').querySelector('svg') !== null, 'an icon').to.equal(true);
    });

    it('plays the stream in the video', async () => {
      const stream = liveVideoStream();
      const el = await tile({ stream });
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video.srcObject === stream, 'the stream').to.equal(true);
      expect(video.autoplay).to.equal(true);
      expect(video.playsInline).to.equal(true);
      // Sound is played by the media layer (LiveMedia), once per user: a tile never doubles it, and a
      // muted video is never held back by the browser's autoplay policy.
      expect(video.muted, 'the picture only').to.equal(true);
    });

    it('keeps the stream while the camera is off', async () => {
      const stream = liveVideoStream();
      const el = await tile({ seat: seat(user({ cameraStatus: 'off' })), stream });
      const video = part(el, 'video') as HTMLVideoElement;
      expect(isShown(video)).to.equal(false);
      expect(video.srcObject === stream, 'the stream').to.equal(true);
    });

    it('gives an empty seat no stream', async () => {
      const el = await tile({ seat: seat(null), stream: liveVideoStream() });
      expect((part(el, 'video') as HTMLVideoElement).srcObject === null, 'no stream').to.equal(true);
    });

    it('mutes and mirrors the local user', async () => {
      const el = await tile({ stream: liveVideoStream(), attrs: { local: true } });
      const video = part(el, 'video') as HTMLVideoElement;
      expect(video.muted).to.equal(true);
      expect(getComputedStyle(video).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
      expect(part(el, 'you-badge').textContent).to.equal('You');
    });

    it('follows the stream when its video track ends', async () => {
      const stream = liveVideoStream();
      const el = await tile({ stream });
      expect(isShown(part(el, 'video'))).to.equal(true);
      const [track] = stream.getVideoTracks();
      // A remote track fires `ended` itself; a local `stop()` does not, so the test fires it.
      track!.stop();
      track!.dispatchEvent(new Event('ended'));
      await el.updateComplete;
      expect(isShown(part(el, 'video'))).to.equal(false);
      expect(isShown(part(el, 'background'))).to.equal(true);
    });

    it('follows the stream when a video track arrives', async () => {
      const stream = new MediaStream();
      const el = await tile({ stream });
      expect(isShown(part(el, 'video'))).to.equal(false);
      const [track] = liveVideoStream().getVideoTracks();
      stream.addTrack(track!);
      stream.dispatchEvent(new MediaStreamTrackEvent('addtrack', { track: track! }));
      await el.updateComplete;
      expect(isShown(part(el, 'video'))).to.equal(true);
    });

    it('shows a stream with an ended track as no video', async () => {
      const el = await tile({ stream: endedVideoStream() });
      expect(isShown(part(el, 'video'))).to.equal(false);
      expect(el.matches(':state(camera-off)')).to.equal(true);
    });

    it('shows the seat number and state of an empty seat', async () => {
      const el = await tile({ seat: seat(null) });
      expect(part(el, 'empty').textContent?.replace(/\s+/g, ' ').trim()).to.equal('Seat 3 Empty seat');
      el.seat = seat(null, { isLocked: true });
      await el.updateComplete;
      expect(part(el, 'empty').textContent?.replace(/\s+/g, ' ').trim()).to.equal('Seat 3 Locked');
    });
  });

  describe('slots', () => {
    runLayerContract('layers', async ({ seat: contractSeat, foreground, background }) => {
      const element = await fixture<GuestSeatTile>(
        html`<guest-seat-tile style="width: 320px" .seat=${contractSeat}
          >${foreground ?? nothing}${background ?? nothing}</guest-seat-tile
        >`,
      );
      return {
        element,
        setVideo: async (state) => {
          element.stream =
            state === 'none' ? null : state === 'ended' ? endedVideoStream() : liveVideoStream();
          element.seat = {
            ...contractSeat,
            userInfo: { ...contractSeat.userInfo!, cameraStatus: state === 'camera-off' ? 'off' : 'on' },
          };
          await element.updateComplete;
        },
      };
    });

    it('shows slotted empty-seat content only while the seat is empty', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<guest-seat-tile .seat=${seat(null)}><p slot="empty">Take a seat</p></guest-seat-tile>`,
      );
      const content = el.querySelector('p')!;
      expect(isShown(content)).to.equal(true);
      el.seat = seat();
      await el.updateComplete;
      expect(isShown(content)).to.equal(false);
    });

    it('draws the actions at the top inline end, over every layer; the badges give way to them', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<guest-seat-tile style="width: 96px" viewer-limit .seat=${seat(user({ connection: 'lost' }))}
          ><button slot="actions" style="width: 32px; height: 32px">⋮</button></guest-seat-tile
        >`,
      );
      const button = el.querySelector('button')!;
      const box = button.getBoundingClientRect();
      const tileBox = el.getBoundingClientRect();
      expect([box.top - tileBox.top, tileBox.right - box.right]).to.deep.equal([4, 4]);
      expect(document.elementFromPoint(box.left + 16, box.top + 16) === button, 'on top').to.equal(true);
      for (const name of ['connection-badge', 'limit-badge']) {
        const badge = part(el, name).getBoundingClientRect();
        expect(isShown(part(el, name)), name).to.equal(true);
        expect(
          badge.right <= box.left && badge.left >= tileBox.left,
          `${name} clear of the actions`,
        ).to.equal(true);
      }
    });

    it('never removes a slot, whatever the state', async () => {
      const el = await tile({ seat: seat(null) });
      const slots = () => [...el.shadowRoot!.querySelectorAll('slot')].map((slot) => slot.name);
      const before = [...el.shadowRoot!.querySelectorAll('slot')];
      expect(slots()).to.deep.equal(['background', 'empty', 'foreground', 'actions']);
      el.seat = seat();
      el.stream = liveVideoStream();
      await el.updateComplete;
      const after = [...el.shadowRoot!.querySelectorAll('slot')];
      expect(
        after.length === before.length && after.every((slot, i) => slot === before[i]),
        'same slots',
      ).to.equal(true);
    });
  });

  describe('parts', () => {
    it('exposes a part on every meaningful node', async () => {
      const el = await tile({
        seat: seat(user({ avatarUrl: AVATAR, connection: 'lost' })),
        attrs: { local: true },
      });
      for (const name of [
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
        'connection-badge',
      ]) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });

    it('lets the page style parts', async () => {
      const style = document.createElement('style');
      style.textContent = 'guest-seat-tile.styled::part(name-tag) { color: rgb(7, 8, 9); }';
      document.head.append(style);
      try {
        const el = await tile();
        el.classList.add('styled');
        expect(getComputedStyle(part(el, 'name-tag')).color).to.equal('rgb(7, 8, 9)');
      } finally {
        style.remove();
      }
    });
  });

  describe('theming', () => {
    it('follows element-scoped custom properties', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<guest-seat-tile
          style="width: 200px; --seat-radius: 3px; --seat-aspect-ratio: 1 / 1; --seat-background: rgb(10, 20, 30)"
          .seat=${seat(null)}
        ></guest-seat-tile>`,
      );
      const box = part(el, 'tile');
      expect(getComputedStyle(box).borderTopLeftRadius).to.equal('3px');
      expect(getComputedStyle(box).backgroundColor).to.equal('rgb(10, 20, 30)');
      expect(el.getBoundingClientRect().height).to.equal(200);
    });

    it('follows the global tokens', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<div style="--cg-color-stage: rgb(1, 1, 1); --cg-radius-l: 5px">
          <guest-seat-tile .seat=${seat(null)}></guest-seat-tile>
        </div>`,
      );
      const box = part(el.querySelector('guest-seat-tile')!, 'tile');
      expect(getComputedStyle(box).backgroundColor).to.equal('rgb(1, 1, 1)');
      expect(getComputedStyle(box).borderTopLeftRadius).to.equal('5px');
    });

    it('works without any global stylesheet', async () => {
      const el = await tile({ seat: seat(null) });
      expect(getComputedStyle(part(el, 'tile')).backgroundColor).to.match(/^rgb/);
      expect(getComputedStyle(el).fontFamily).to.include('system-ui');
      expect(getComputedStyle(el).colorScheme).to.equal('light dark');
    });

    for (const theme of ['dark', 'light'] as const) {
      it(`takes the ${theme} theme from data-cg-theme on an ancestor`, async () => {
        const wrapper = await fixture<HTMLDivElement>(
          html`<div data-cg-theme=${theme}>
            <section><guest-seat-tile .seat=${seat(null)}></guest-seat-tile></section>
          </div>`,
        );
        const el = wrapper.querySelector('guest-seat-tile')!;
        expect(getComputedStyle(el).colorScheme).to.equal(theme);
        expect(getComputedStyle(part(el, 'tile')).backgroundColor).to.equal(
          theme === 'dark' ? 'rgb(11, 15, 25)' : 'rgb(31, 41, 55)',
        );
      });
    }

    it('takes data-cg-theme from an ancestor outside its own shadow tree', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div data-cg-theme="dark"><div></div></div>`);
      const shadow = wrapper.firstElementChild!.attachShadow({ mode: 'open' });
      const el = document.createElement('guest-seat-tile');
      shadow.append(el);
      await el.updateComplete;
      expect(getComputedStyle(el).colorScheme).to.equal('dark');
    });
  });

  describe('states', () => {
    async function states(el: GuestSeatTile): Promise<string[]> {
      await el.updateComplete;
      return [
        'empty',
        'camera-off',
        'mic-off',
        'speaking',
        'local',
        'locked',
        'connection-lost',
        'reconnecting',
      ].filter((state) => el.matches(`:state(${state})`));
    }

    it('empty without a seat or a user', async () => {
      expect(await states(await tile({ seat: null }))).to.deep.equal(['empty']);
      expect(await states(await tile({ seat: seat(null) }))).to.deep.equal(['empty']);
    });

    it('locked', async () => {
      expect(await states(await tile({ seat: seat(null, { isLocked: true }) }))).to.deep.equal([
        'empty',
        'locked',
      ]);
    });

    it('camera-off while there is no video', async () => {
      const el = await tile();
      expect(await states(el)).to.deep.equal(['camera-off']);
      el.stream = liveVideoStream();
      expect(await states(el)).to.deep.equal([]);
      el.seat = seat(user({ cameraStatus: 'off' }));
      expect(await states(el)).to.deep.equal(['camera-off']);
    });

    it('mic-off', async () => {
      const el = await tile({ seat: seat(user({ microphoneStatus: 'off' })), stream: liveVideoStream() });
      expect(await states(el)).to.deep.equal(['mic-off']);
    });

    it('speaking only while the microphone is on', async () => {
      const el = await tile({ stream: liveVideoStream(), attrs: { speaking: true } });
      expect(await states(el)).to.deep.equal(['speaking']);
      expect(isShown(part(el, 'speaking-ring'))).to.equal(true);
      el.seat = seat(user({ microphoneStatus: 'off' }));
      expect(await states(el)).to.deep.equal(['mic-off']);
      // The ring fades out; finish the transition instead of waiting for it.
      for (const animation of part(el, 'speaking-ring').getAnimations()) animation.finish();
      expect(isShown(part(el, 'speaking-ring'))).to.equal(false);
    });

    it('local', async () => {
      const el = await tile({ stream: liveVideoStream(), attrs: { local: true } });
      expect(await states(el)).to.deep.equal(['local']);
    });

    it('reconnecting (and connection-lost) while the seat waits for its user, with a visible label', async () => {
      const el = await tile({ seat: seat(user({ connection: 'lost' })), stream: liveVideoStream() });
      expect(await states(el)).to.deep.equal(['connection-lost', 'reconnecting']);
      expect(isShown(part(el, 'connection-badge'))).to.equal(true);
      expect(part(el, 'connection-badge').textContent).to.equal('Reconnecting…');
      el.seat = seat(user());
      expect(await states(el)).to.deep.equal([]);
      expect(isShown(part(el, 'connection-badge'))).to.equal(false);
    });

    it('reconnecting while the media comes back (media-reconnecting), with the same label', async () => {
      const el = await tile({
        seat: seat(user()),
        stream: liveVideoStream(),
        attrs: { 'media-reconnecting': true },
      });
      expect(await states(el)).to.deep.equal(['connection-lost', 'reconnecting']);
      expect(isShown(part(el, 'connection-badge'))).to.equal(true);
      expect(label(el)).to.contain('Reconnecting…');
      el.mediaReconnecting = false;
      expect(await states(el)).to.deep.equal([]);
      expect(isShown(part(el, 'connection-badge'))).to.equal(false);
    });

    it('lets page CSS style the tile by state', async () => {
      const style = document.createElement('style');
      style.textContent = 'guest-seat-tile.by-state:state(mic-off) { outline: 1px solid rgb(9, 9, 9); }';
      document.head.append(style);
      try {
        const el = await tile({ seat: seat(user({ microphoneStatus: 'off' })) });
        el.classList.add('by-state');
        expect(getComputedStyle(el).outlineColor).to.equal('rgb(9, 9, 9)');
      } finally {
        style.remove();
      }
    });

    it('does not add attributes to itself', async () => {
      const el = await tile({
        seat: seat(user({ microphoneStatus: 'off', connection: 'lost' })),
        attrs: { speaking: true },
      });
      expect(el.getAttributeNames().sort()).to.deep.equal(['speaking', 'style']);
    });
  });

  describe('events', () => {
    it('fires seat-select when a selectable occupied tile is clicked', async () => {
      const occupant = user();
      const el = await tile({ seat: seat(occupant), attrs: { selectable: true } });
      const received = oneEvent<SeatSelectEvent>(el, SeatSelectEvent.type);
      part(el, 'tile').click();
      const event = await received;
      expect(event).to.be.instanceOf(SeatSelectEvent);
      expect(event.type).to.equal('seat-select');
      expect(event.seatIndex).to.equal(2);
      expect(event.userInfo).to.equal(occupant);
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
    });

    it('fires through shadow roots to the document', async () => {
      const el = await tile({ attrs: { selectable: true } });
      const received = oneEvent<SeatSelectEvent>(document, 'seat-select');
      part(el, 'tile').click();
      expect((await received).seatIndex).to.equal(2);
    });

    for (const key of ['Enter', 'Space']) {
      it(`fires seat-select on ${key}`, async () => {
        const el = await tile({ attrs: { selectable: true } });
        el.focus();
        const received = oneEvent<SeatSelectEvent>(el, 'seat-select');
        await sendKeys({ press: key });
        expect((await received).seatIndex).to.equal(2);
      });
    }

    it('fires empty-seat-select for a selectable empty tile', async () => {
      const el = await tile({ seat: seat(null, { isLocked: true }), attrs: { selectable: true } });
      const received = oneEvent<EmptySeatSelectEvent>(el, EmptySeatSelectEvent.type);
      part(el, 'tile').click();
      const event = await received;
      expect(event).to.be.instanceOf(EmptySeatSelectEvent);
      expect([event.seatIndex, event.isLocked, event.bubbles, event.composed]).to.deep.equal([
        2,
        true,
        true,
        true,
      ]);
    });

    it('fires nothing when not selectable', async () => {
      const el = await tile();
      const fired: Event[] = [];
      el.addEventListener('seat-select', (event) => fired.push(event));
      el.addEventListener('empty-seat-select', (event) => fired.push(event));
      part(el, 'tile').click();
      el.seat = seat(null);
      await el.updateComplete;
      part(el, 'tile').click();
      expect(fired).to.deep.equal([]);
    });

    it('fires nothing for a click on a control slotted into the tile', async () => {
      const el = await fixture<GuestSeatTile>(
        html`<guest-seat-tile selectable .seat=${seat()}
          ><button slot="foreground" type="button">Mute</button></guest-seat-tile
        >`,
      );
      const fired: Event[] = [];
      el.addEventListener('seat-select', (event) => fired.push(event));
      const button = el.querySelector('button')!;
      button.click();
      button.focus();
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'Space' });
      expect(fired).to.deep.equal([]);
    });

    it('fires once per key press, not on auto-repeat', async () => {
      const el = await tile({ attrs: { selectable: true } });
      const fired: Event[] = [];
      el.addEventListener('seat-select', (event) => fired.push(event));
      const box = part(el, 'tile');
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      box.dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', repeat: true, bubbles: true, composed: true }),
      );
      expect(fired.length).to.equal(1);
    });
  });

  describe('localization', () => {
    afterEach(() => {
      setLocale('en');
    });

    it('re-renders its texts and accessible name when the locale changes', async () => {
      const el = await tile({ seat: seat(null) });
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(label(el)).to.equal('3 号麦位，空麦位');
      expect(part(el, 'tile').getAttribute('lang')).to.equal('zh-CN');
      expect(part(el, 'empty').textContent).to.include('空麦位');
      await loadLocale('ko');
      setLocale('ko');
      el.seat = seat(user({ microphoneStatus: 'off' }));
      await el.updateComplete;
      expect(plainLabel(el)).to.equal('3번 자리, Ada Lovelace, 마이크 꺼짐, 카메라 꺼짐');
    });

    it('uses strings an integrator registered', async () => {
      const remove = registerMessages('en', { 'tile.emptySeat': 'Free seat' });
      try {
        const el = await tile({ seat: seat(null) });
        expect(label(el)).to.equal('Seat 3, Free seat');
      } finally {
        remove();
      }
    });

    it('passes axe in every shipped language', async () => {
      for (const locale of BUILT_IN_LOCALES) {
        await loadLocale(locale);
        setLocale(locale);
        const el = await tile({ seat: seat(user({ microphoneStatus: 'off' })), attrs: { local: true } });
        await expect(el).to.be.accessible();
      }
    });
  });

  describe('hostile input', () => {
    const XSS = [
      '<script>window.__cgXss = 1</script>',
      '"><img src=x onerror="window.__cgXss = 1">',
      '\'><svg onload="window.__cgXss = 1">',
      '<iframe src="javascript:window.__cgXss = 1"></iframe>',
      '{{constructor.constructor("window.__cgXss = 1")()}}',
      '${window.__cgXss = 1}',
      '&lt;b&gt;entity&lt;/b&gt;',
      '\u202Eevil.exe\u202C',
      'javascript:window.__cgXss = 1',
      '<!-- comment -->',
      '</bdi><b>breakout</b>',
    ];

    afterEach(() => {
      delete (window as { __cgXss?: unknown }).__cgXss;
    });

    for (const payload of XSS) {
      it(`renders the name ${JSON.stringify(payload)} as text`, async () => {
        const el = await tile({ seat: seat(user({ userName: payload, avatarUrl: AVATAR })) });
        expect(part(el, 'tag-name').textContent).to.equal(payload.trim());
        expect(part(el, 'tag-name').children.length, 'no element made from the name').to.equal(0);
        expect(el.shadowRoot!.querySelectorAll('img, script, iframe, b').length, 'only the avatar').to.equal(
          1,
        );
        expect(label(el)).to.include(payload.trim());
        expect((window as { __cgXss?: unknown }).__cgXss).to.equal(undefined);
      });
    }

    const UNSAFE_URLS = [
      'javascript:window.__cgXss = 1',
      'JAVASCRIPT:window.__cgXss = 1',
      ' java\tscript:window.__cgXss = 1',
      'vbscript:msgbox(1)',
      'data:text/html,<script>window.__cgXss = 1</script>',
      'data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19jZ1hzcyA9IDE8L3NjcmlwdD4=',
      'file:///etc/passwd',
    ];

    for (const avatarUrl of UNSAFE_URLS) {
      it(`loads no image from the avatar URL ${JSON.stringify(avatarUrl)}`, async () => {
        const el = await tile({ seat: seat(user({ avatarUrl })) });
        expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
        expect(isShown(part(el, 'initials'))).to.equal(true);
        expect((window as { __cgXss?: unknown }).__cgXss).to.equal(undefined);
      });
    }

    it('keeps a very long name inside the tile', async () => {
      const el = await tile({ seat: seat(user({ userName: 'W'.repeat(2000) })) });
      const tileBox = el.getBoundingClientRect();
      for (const name of ['name-tag', 'tag-name']) {
        const box = part(el, name).getBoundingClientRect();
        expect(box.right, name).to.be.at.most(tileBox.right);
        expect(box.left, name).to.be.at.least(tileBox.left);
      }
    });

    it('survives data that skipped the schemas', async () => {
      const broken = user({ userName: undefined as unknown as string, avatarUrl: 42 as unknown as string });
      const el = await tile({ seat: seat(broken) });
      expect(part(el, 'tag-name').textContent).to.equal('u-ada');
      expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
    });
  });
});
