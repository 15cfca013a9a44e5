/**
 * VirtualListController on its own: the pure window arithmetic, table-tested, and a small element
 * that renders 10,000 rows through it, scrolled and focused like a user would.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import {
  scrollTopFor,
  visibleRange,
  VirtualListController,
  type RangeInput,
} from '../../src/controllers/virtual-list.js';

/** Renders `items` through the controller; rows are absolutely placed in a spacer. */
@customElement('virtual-probe')
class VirtualProbe extends LitElement {
  static override styles = css`
    .scroller {
      height: 300px;
      overflow-y: auto;
    }
    .list {
      position: relative;
    }
    .row {
      position: absolute;
      inset-inline: 0;
    }
  `;

  @property({ attribute: false }) items: readonly string[] = [];

  readonly virtual = new VirtualListController(this, {
    rowHeightProperty: '--probe-row-height',
    defaultRowHeight: 30,
    overscan: 2,
  });

  protected override willUpdate(): void {
    this.virtual.count = this.items.length;
  }

  protected override render() {
    return html`<div class="scroller" ${ref(this.virtual.observe)}>
      <div class="list" style=${styleMap({ height: `${this.virtual.totalHeight}px` })}>
        ${repeat(
          this.virtual.indices(),
          (index) => this.items[index],
          (index) =>
            html`<button
              class="row"
              data-index=${index}
              style=${styleMap({ top: `${this.virtual.top(index)}px`, height: `${this.virtual.rowHeight}px` })}
            >
              ${this.items[index]}
            </button>`,
        )}
      </div>
    </div>`;
  }

  get rows(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.row')];
  }

  get scroller(): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>('.scroller')!;
  }

  indexes(): number[] {
    return this.rows.map((row) => Number(row.dataset.index));
  }
}

const ITEMS = Array.from({ length: 10_000 }, (_, i) => `Item ${i}`);

function range(patch: Partial<RangeInput>): [number, number] {
  const { start, end } = visibleRange({
    count: 1000,
    rowHeight: 50,
    scrollTop: 0,
    viewportHeight: 200,
    overscan: 2,
    maxRows: 100,
    ...patch,
  });
  return [start, end];
}

describe('VirtualListController', () => {
  describe('visibleRange', () => {
    const cases: readonly (readonly [string, Partial<RangeInput>, [number, number]])[] = [
      ['the top of the list', {}, [0, 6]],
      ['scrolled by whole rows', { scrollTop: 500 }, [8, 16]],
      ['scrolled by part of a row', { scrollTop: 525 }, [8, 17]],
      ['the end of the list', { scrollTop: 49_800 }, [994, 1000]],
      ['scrolled past the end (clamped)', { scrollTop: 99_999 }, [994, 1000]],
      ['scrolled above the top (clamped)', { scrollTop: -300 }, [0, 6]],
      ['fewer rows than fit', { count: 3 }, [0, 3]],
      ['an empty list', { count: 0 }, [0, 0]],
      ['no row height', { rowHeight: 0 }, [0, 0]],
      ['a viewport not measured yet', { viewportHeight: 0 }, [0, 3]],
      ['a very tall viewport, capped', { viewportHeight: 100_000, maxRows: 100 }, [0, 100]],
      ['a cap keeps the visible rows first', { scrollTop: 500, maxRows: 6 }, [9, 15]],
      ['a cap below the visible rows keeps the top ones', { scrollTop: 500, maxRows: 1 }, [10, 11]],
      ['no overscan', { scrollTop: 500, overscan: 0 }, [10, 14]],
    ];
    for (const [name, input, expected] of cases) {
      it(name, () => {
        expect(range(input)).to.deep.equal(expected);
      });
    }
  });

  describe('scrollTopFor', () => {
    const cases: readonly (readonly [string, number, number, number])[] = [
      ['a row in view stays', 3, 100, 100],
      ['a row above scrolls to its top', 1, 100, 50],
      ['a row below scrolls to show its bottom', 10, 100, 350],
      ['a row touching the bottom stays', 5, 100, 100],
      ['a row a pixel below', 5, 99, 100],
      ['the first row', 0, 400, 0],
    ];
    for (const [name, index, scrollTop, expected] of cases) {
      it(name, () => {
        expect(scrollTopFor(index, 50, scrollTop, 200)).to.equal(expected);
      });
    }
  });

  describe('with 10,000 rows', () => {
    async function probe(style = ''): Promise<VirtualProbe> {
      const el = await fixture<VirtualProbe>(
        html`<virtual-probe style=${style} .items=${ITEMS}></virtual-probe>`,
      );
      // The first render shows a few rows; the measured viewport brings the rest.
      await waitUntil(() => el.rows.length === 12, `a window of rows; got ${el.rows.length}`);
      return el;
    }

    it('renders the visible rows and the overscan only', async () => {
      const el = await probe();
      expect(el.indexes()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(el.renderRoot.querySelector<HTMLElement>('.list')!.style.height).to.equal('300000px');
    });

    it('follows the scroll position, to the very end', async () => {
      const el = await probe();
      el.scroller.scrollTop = 150_000;
      await waitUntil(() => el.indexes()[0] === 4998, `rows from 4998; got ${el.indexes()[0]}`);
      expect(el.indexes().at(-1)).to.equal(5011);
      el.scroller.scrollTop = el.scroller.scrollHeight;
      await waitUntil(() => el.indexes().at(-1) === 9999);
      expect(el.rows.length).to.be.at.most(100);
      expect(el.rows.at(-1)!.textContent?.trim()).to.equal('Item 9999');
    });

    it('reads the row height once, in any unit', async () => {
      const el = await probe('--probe-row-height: 2em; font-size: 15px');
      expect(el.virtual.rowHeight).to.equal(30);
      const other = await fixture<VirtualProbe>(
        html`<virtual-probe style="--probe-row-height: 60px" .items=${ITEMS}></virtual-probe>`,
      );
      await waitUntil(() => other.rows.length === 7, `a window of 60px rows; got ${other.rows.length}`);
      expect(other.virtual.rowHeight).to.equal(60);
      other.style.setProperty('--probe-row-height', '10px');
      other.requestUpdate();
      await other.updateComplete;
      expect(other.virtual.rowHeight).to.equal(60);
    });

    it('reveals a far row and keeps a pinned row rendered while scrolled away', async () => {
      const el = await probe();
      el.virtual.pinned = 0;
      await el.virtual.reveal(7000);
      expect(el.indexes()).to.include(7000);
      expect(el.indexes()[0]).to.equal(0);
      expect(el.rows.length).to.be.at.most(100);
      const row = el.rows.find((item) => item.dataset.index === '7000')!;
      const shown = el.scroller.getBoundingClientRect();
      const box = row.getBoundingClientRect();
      expect(box.top >= shown.top && box.bottom <= shown.bottom, 'row 7000 is in view').to.equal(true);
      el.virtual.pinned = -1;
      el.requestUpdate();
      await el.updateComplete;
      expect(el.indexes()).to.not.include(0);
    });

    it('keeps each rendered row element when an item is added at the end', async () => {
      const el = await probe();
      const before = el.rows;
      el.items = [...ITEMS, 'Item 10000'];
      await el.updateComplete;
      expect(el.rows.length).to.equal(before.length);
      expect(el.rows.every((row, i) => row === before[i])).to.equal(true);
    });

    it('never holds more than 100 rows, whatever the viewport', async () => {
      const el = await probe();
      el.scroller.style.height = '10000px';
      await waitUntil(() => el.rows.length === 100, `100 rows; got ${el.rows.length}`);
      el.virtual.pinned = 9000;
      el.requestUpdate();
      await el.updateComplete;
      expect(el.rows.length).to.equal(100);
      expect(el.indexes()).to.include(9000);
    });
  });
});
