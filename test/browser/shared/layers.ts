/**
 * The layer contract that every tile-like element shares (STYLE.md "Tests": shared factories), after
 * the seed's `VideoWidgetBuilder`: a foreground layer always drawn on top of the video, a background
 * layer drawn only while the user has no video, each a named slot with default content.
 *
 * ```ts
 * runLayerContract('<guest-seat-tile>', async ({ seat, foreground, background }) => {
 *   const element = await fixture(html`<guest-seat-tile .seat=${seat}>${foreground}${background}</guest-seat-tile>`);
 *   return { element, async setVideo(state) { … } };
 * });
 * ```
 *
 * Elements are observed from outside, as a user or integrator would: visibility through
 * `checkVisibility()`, stacking through `elementFromPoint()`, default content through parts.
 */
import { expect } from '@open-wc/testing';
import type { SeatInfo } from '../../../src/protocol/types.js';

/**
 * What the seat's user shows:
 * - `none`: no stream at all;
 * - `live`: a stream with a live video track and the camera on;
 * - `camera-off`: a stream with a live video track, but the user's `cameraStatus` is `'off'`;
 * - `ended`: the camera is on but the stream's only video track has ended.
 */
export type VideoState = 'none' | 'live' | 'camera-off' | 'ended';

export interface LayerFixture {
  /** The element under test, connected and rendered. */
  readonly element: HTMLElement;
  /** Puts the seat's user in `state` and resolves once the element has rendered it. */
  readonly setVideo: (state: VideoState) => Promise<void>;
  /**
   * Empties one layer the way the element's API does and resolves once it has rendered. Default:
   * removes the page content from the DOM (a slot of the element). An element fed by a builder
   * passes a builder that returns nothing for `layer`.
   */
  readonly clearLayer?: (layer: 'foreground' | 'background', content: HTMLElement) => Promise<void>;
}

export interface LayerFixtureOptions {
  /** An occupied seat (camera and microphone on). */
  readonly seat: SeatInfo;
  /** Page content for the foreground layer (has `slot="foreground"`), when the test slots one. */
  readonly foreground?: HTMLElement;
  /** Page content for the background layer (has `slot="background"`), when the test slots one. */
  readonly background?: HTMLElement;
}

/** Renders the element for `options.seat` with the given layer content, with no video yet. */
export type MakeElementWithSeat = (options: LayerFixtureOptions) => Promise<LayerFixture>;

const streams = new Set<MediaStream>();

/**
 * A real `MediaStream` with one live video track (from a canvas), for "the user has video". The
 * contract stops every stream it handed out after each test.
 */
export function liveVideoStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 36;
  const context = canvas.getContext('2d');
  if (context !== null) {
    context.fillStyle = '#3b82f6';
    context.fillRect(0, 0, canvas.width, canvas.height);
  }
  const stream = canvas.captureStream(0);
  streams.add(stream);
  return stream;
}

/** A stream whose only video track has ended. */
export function endedVideoStream(): MediaStream {
  const stream = liveVideoStream();
  for (const track of stream.getTracks()) track.stop();
  return stream;
}

/** Stops every stream from `liveVideoStream()` / `endedVideoStream()`. */
export function stopStreams(): void {
  for (const stream of streams) for (const track of stream.getTracks()) track.stop();
  streams.clear();
}

/** The first element with `part` among `root`'s shadow trees (nested shadow roots included). */
export function queryPart(root: Element, part: string): HTMLElement | null {
  return queryPartAll(root, part)[0] ?? null;
}

/** Every element with `part` among `root`'s shadow trees (nested shadow roots included). */
export function queryPartAll(root: Element, part: string): HTMLElement[] {
  const found: HTMLElement[] = [];
  const visit = (scope: ShadowRoot): void => {
    for (const element of scope.querySelectorAll<HTMLElement>('*')) {
      if (element.part.contains(part)) found.push(element);
      if (element.shadowRoot !== null) visit(element.shadowRoot);
    }
  };
  if (root.shadowRoot !== null) visit(root.shadowRoot);
  return found;
}

/** Whether a user sees `element`: rendered, not `visibility: hidden`, not fully transparent. */
export function isShown(element: Element | null): boolean {
  return element?.checkVisibility({ opacityProperty: true, visibilityProperty: true }) ?? false;
}

/** An occupied seat with camera and microphone on, for contract tests. */
export function contractSeat(): SeatInfo {
  return {
    index: 1,
    isLocked: false,
    isAudioLocked: false,
    isVideoLocked: false,
    userInfo: {
      userId: 'contract-user',
      userName: 'Contract User',
      avatarUrl: '',
      liveId: 'contract-live',
      role: 'audience',
      microphoneStatus: 'on',
      cameraStatus: 'on',
      allowOpenMicrophone: true,
      allowOpenCamera: true,
      connection: 'online',
      onSeatTimestamp: 0,
    },
  };
}

const PAGE_CSS = `
  .cg-contract-layer { display: block; width: 48px; height: 24px; }
  .cg-contract-foreground { color: rgb(1, 2, 3); }
  .cg-contract-background { color: rgb(4, 5, 6); }
`;

const PAGE_FOREGROUND_COLOR = 'rgb(1, 2, 3)';
const PAGE_BACKGROUND_COLOR = 'rgb(4, 5, 6)';

function pageContent(layer: 'foreground' | 'background'): HTMLElement {
  const element = document.createElement('div');
  element.slot = layer;
  element.className = `cg-contract-layer cg-contract-${layer}`;
  element.textContent = `${layer} from the page`;
  return element;
}

/**
 * The slot that finally draws `node`: its assigned slot, or, when that slot is itself slotted into
 * an inner element (an element forwarding layers to the tiles in its shadow tree), the last one.
 */
function finalSlot(node: Element): HTMLSlotElement | null {
  let slot = node.assignedSlot;
  while (slot?.assignedSlot) slot = slot.assignedSlot;
  return slot;
}

/**
 * Registers the layer contract's tests for one element under `describe(describeName)`.
 * `makeElementWithSeat` renders the element for a seat, with the page content to slot, and says
 * how to change the user's video.
 */
export function runLayerContract(describeName: string, makeElementWithSeat: MakeElementWithSeat): void {
  describe(describeName, () => {
    let style: HTMLStyleElement;

    before(() => {
      style = document.createElement('style');
      style.textContent = PAGE_CSS;
      document.head.append(style);
    });

    after(() => {
      style.remove();
    });

    afterEach(() => {
      stopStreams();
    });

    async function withSlotted(): Promise<
      LayerFixture & { foreground: HTMLElement; background: HTMLElement }
    > {
      const foreground = pageContent('foreground');
      const background = pageContent('background');
      const fixture = await makeElementWithSeat({ seat: contractSeat(), foreground, background });
      return { ...fixture, foreground, background };
    }

    it('keeps slotted layer content in the light DOM, styled by the page', async () => {
      const { foreground, background } = await withSlotted();
      for (const [node, slot, color] of [
        [foreground, 'foreground', PAGE_FOREGROUND_COLOR],
        [background, 'background', PAGE_BACKGROUND_COLOR],
      ] as const) {
        expect(node.isConnected, `${slot} content is connected`).to.equal(true);
        expect(node.getRootNode() === document, `${slot} content is in the page's tree`).to.equal(true);
        expect(finalSlot(node)?.name, `${slot} content is assigned to its slot`).to.equal(slot);
        expect(getComputedStyle(node).color, `page CSS styles the ${slot} content`).to.equal(color);
      }
    });

    it('shows the background layer only while the user has no video', async () => {
      const { background, setVideo } = await withSlotted();
      const expected: readonly (readonly [VideoState, boolean])[] = [
        ['none', true],
        ['live', false],
        ['camera-off', true],
        ['live', false],
        ['ended', true],
        ['none', true],
      ];
      for (const [state, backgroundShown] of expected) {
        await setVideo(state);
        expect(isShown(background), `background shown with video '${state}'`).to.equal(backgroundShown);
      }
    });

    it('shows the video only while the user has video', async () => {
      const { element, setVideo } = await withSlotted();
      const video = queryPart(element, 'video');
      expect(video !== null, 'a video part').to.equal(true);
      for (const state of ['none', 'live', 'camera-off', 'ended'] as const) {
        await setVideo(state);
        expect(isShown(video), `video shown with video '${state}'`).to.equal(state === 'live');
      }
    });

    it('always shows the foreground layer', async () => {
      const { foreground, setVideo } = await withSlotted();
      for (const state of ['none', 'live', 'camera-off', 'ended'] as const) {
        await setVideo(state);
        expect(isShown(foreground), `foreground shown with video '${state}'`).to.equal(true);
      }
    });

    it('draws the foreground layer above the video', async () => {
      const { foreground, setVideo } = await withSlotted();
      await setVideo('live');
      const box = foreground.getBoundingClientRect();
      expect(box.width * box.height, 'the foreground content has a size').to.be.greaterThan(0);
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      // Compared as a boolean: a failing assertion between DOM nodes makes the runner serialise them.
      expect(hit === foreground, 'the foreground content is the topmost thing at its centre').to.equal(true);
    });

    it('shows default layer content when nothing is slotted', async () => {
      const { element, setVideo } = await makeElementWithSeat({ seat: contractSeat() });
      const avatar = (): boolean =>
        isShown(queryPart(element, 'avatar')) || isShown(queryPart(element, 'initials'));
      const nameTag = (): boolean => isShown(queryPart(element, 'name-tag'));
      // One name per tile: the name tag's, never a second one in the background.
      const names = (): number => queryPartAll(element, 'name').filter(isShown).length;

      await setVideo('none');
      expect(avatar(), 'default avatar without video').to.equal(true);
      expect(nameTag(), 'default name tag without video').to.equal(true);
      expect(names(), 'one name without video').to.equal(1);

      await setVideo('live');
      expect(avatar(), 'default avatar with video').to.equal(false);
      expect(nameTag(), 'default name tag with video').to.equal(true);
      expect(names(), 'one name with video').to.equal(1);
    });

    it('replaces only the layer whose slot is filled, and restores its default when emptied', async () => {
      const foreground = pageContent('foreground');
      const fixture = await makeElementWithSeat({ seat: contractSeat(), foreground });
      const { element, setVideo } = fixture;
      await setVideo('none');
      expect(isShown(queryPart(element, 'name-tag')), 'default foreground replaced').to.equal(false);
      const avatar = isShown(queryPart(element, 'avatar')) || isShown(queryPart(element, 'initials'));
      expect(avatar, 'default background kept').to.equal(true);
      if (fixture.clearLayer === undefined) foreground.remove();
      else await fixture.clearLayer('foreground', foreground);
      expect(isShown(queryPart(element, 'name-tag')), 'default foreground back').to.equal(true);
    });
  });
}
