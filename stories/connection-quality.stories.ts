/**
 * Stories for <connection-quality> (Storybook CSF 3). See stories/README.md.
 *
 * Each level, given through the `quality` property with the measures a live would give (round trip,
 * loss, jitter), and the custom states a page styles. In a live, `<guest-seat-tile>` shows one per
 * seat from `LiveMedia.connectionQuality`.
 */
import { html } from 'lit';
import type { ConnectionQuality } from '../src/elements/connection-quality/connection-quality.js';
import '../src/elements/connection-quality/connection-quality.js';
import type { ConnectionQualityInfo } from '../src/media/quality.js';
import { assert, deepQuery, waitFor } from './support/play.js';

export default {
  title: 'Elements/connection-quality',
  component: 'connection-quality',
};

const LEVELS = ['excellent', 'good', 'poor', 'lost', 'unknown'] as const;

interface PlayContext {
  readonly canvasElement: HTMLElement;
}

/** A story of one level: the element, and a play that checks its state and its label. */
function level(quality: ConnectionQualityInfo, label: string) {
  return {
    render: () => html`<connection-quality .quality=${quality}></connection-quality>`,
    play: async ({ canvasElement }: PlayContext) => {
      const el = await waitFor(
        () => canvasElement.querySelector<ConnectionQuality>('connection-quality'),
        'the indicator',
      );
      assert(el.matches(`:state(${quality.level})`), `the state is ${quality.level}`);
      const indicator = deepQuery(canvasElement, '[part~="indicator"]');
      const said = indicator?.getAttribute('aria-label');
      assert(said === label, `the label is "${label}", not "${said}"`);
    },
  };
}

/** Three bars: a round trip, loss and jitter people do not notice. */
export const Excellent = level(
  { level: 'excellent', roundTripMs: 12, packetLoss: 0, jitterMs: 2 },
  'Connection: excellent, 12 ms, 0% loss',
);

/** Two bars. */
export const Good = level(
  { level: 'good', roundTripMs: 180, packetLoss: 0.03, jitterMs: 20 },
  'Connection: good, 180 ms, 3% loss',
);

/** One bar: delay, loss or jitter people notice. */
export const Poor = level(
  { level: 'poor', roundTripMs: 420, packetLoss: 0.12, jitterMs: 95 },
  'Connection: poor, 420 ms, 12% loss',
);

/** No filled bar, struck through in the lost colour: the link is down. */
export const Lost = level(
  { level: 'lost', roundTripMs: null, packetLoss: null, jitterMs: null },
  'Connection: lost',
);

/** Nothing measured yet. */
export const Unknown = level(
  { level: 'unknown', roundTripMs: null, packetLoss: null, jitterMs: null },
  'Connection: unknown',
);

/**
 * Every level from the `quality` attribute, on the page and on a dark stage; the page styles each
 * custom state (`connection-quality:state(poor)`) and sizes the bars with custom properties.
 */
export const PageStyles = {
  render: () => html`
    <style>
      .levels {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: center;
      }
      .stage {
        padding: 8px 12px;
        border-radius: 999px;
        background: #0b0f19;
        color: #fff;
      }
      .levels connection-quality {
        --connection-quality-size: 20px;
        --connection-quality-bar-width: 5px;
        padding: 4px;
        border-radius: 4px;
      }
      .levels connection-quality:state(poor) {
        outline: 2px solid #b45309;
      }
      .levels connection-quality:state(lost) {
        outline: 2px dashed #b91c1c;
      }
    </style>
    <div class="levels">
      <connection-quality quality="excellent"></connection-quality>
      <connection-quality quality="good"></connection-quality>
      <connection-quality quality="poor"></connection-quality>
      <connection-quality quality="lost"></connection-quality>
      <connection-quality quality="unknown"></connection-quality>
      <span class="levels stage">
        <connection-quality
          quality="excellent"
          style="--connection-quality-excellent-color: #4ade80"
        ></connection-quality>
        <connection-quality
          quality="poor"
          style="--connection-quality-poor-color: #fcd34d"
        ></connection-quality>
        <connection-quality
          quality="lost"
          style="--connection-quality-lost-color: #fca5a5"
        ></connection-quality>
      </span>
    </div>
  `,
  play: async ({ canvasElement }: PlayContext) => {
    const all = await waitFor(() => {
      const found = canvasElement.querySelectorAll<ConnectionQuality>('connection-quality');
      return found.length === 8 ? [...found] : null;
    }, 'every indicator');
    const levels = all.slice(0, 5).map((el) => LEVELS.find((level) => el.matches(`:state(${level})`)));
    assert(levels.join() === LEVELS.join(), `the levels: ${levels.join()}`);
    assert(getComputedStyle(all[2]!).outlineStyle === 'solid', 'the page styles :state(poor)');
  },
};
