import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Rows `[start, end)` of a list: the ones to put in the DOM. */
export interface VirtualRange {
  readonly start: number;
  readonly end: number;
}

/** What `visibleRange` needs to know about the list and its scroll container. */
export interface RangeInput {
  /** Rows in the list. */
  readonly count: number;
  /** Height of one row, in CSS pixels (every row has the same). */
  readonly rowHeight: number;
  /** The scroll container's `scrollTop`. */
  readonly scrollTop: number;
  /** The scroll container's visible height (`clientHeight`). */
  readonly viewportHeight: number;
  /** Rows rendered above and below the visible ones. */
  readonly overscan: number;
  /** The most rows the range may hold, whatever the viewport's height. */
  readonly maxRows: number;
}

/**
 * The rows to render for a scroll position: the visible ones plus `overscan` on each side, clamped
 * to the list, and never more than `maxRows` (then the visible rows come first, from the top one).
 *
 * @example visibleRange({ count: 1000, rowHeight: 50, scrollTop: 500, viewportHeight: 200, overscan: 2, maxRows: 100 })
 *   // { start: 8, end: 16 }
 */
export function visibleRange(input: RangeInput): VirtualRange {
  const { count, rowHeight, overscan } = input;
  if (count <= 0 || !(rowHeight > 0)) return { start: 0, end: 0 };
  const maxRows = Math.max(1, Math.floor(input.maxRows));
  const maxScroll = Math.max(0, count * rowHeight - input.viewportHeight);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.min(count - 1, Math.floor(scrollTop / rowHeight));
  const last = Math.min(
    count - 1,
    Math.ceil((scrollTop + Math.max(0, input.viewportHeight)) / rowHeight) - 1,
  );
  let start = Math.max(0, first - overscan);
  let end = Math.min(count, Math.max(first, last) + 1 + overscan);
  if (end - start > maxRows) {
    // Too many: keep the visible rows first, then share what is left between the two sides.
    const spare = maxRows - (Math.max(first, last) - first + 1);
    start = Math.min(first, Math.max(start, first - Math.floor(spare / 2)));
    end = start + maxRows;
  }
  return { start, end };
}

/**
 * The `scrollTop` that brings row `index` fully into view with the least movement (the current one
 * when it is in view already).
 */
export function scrollTopFor(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Options of `VirtualListController`. */
export interface VirtualListOptions {
  /**
   * The CSS custom property that holds the row height (`--applicant-row-height`). It is read once,
   * from the host's computed style, at the host's first update while connected; any CSS length
   * works (`56px`, `3.5rem`).
   */
  readonly rowHeightProperty: string;
  /** The row height, in pixels, when the property is not set. */
  readonly defaultRowHeight: number;
  /** Rows rendered above and below the visible ones. Default 6. */
  readonly overscan?: number;
  /** The most rows in the DOM at any time (the pinned row included). Default 100. */
  readonly maxRows?: number;
}

/**
 * Renders only the rows of a long list that can be seen: the host draws a scroll container (the
 * element given to `observe`) holding a spacer of `totalHeight` pixels, and inside it, positioned
 * at `top(index)`, the rows `indices()` returns (the visible window ± overscan, plus the pinned row).
 * The host updates when a scroll or a resize changes the window.
 *
 * ```ts
 * #virtual = new VirtualListController(this, { rowHeightProperty: '--x-row-height', defaultRowHeight: 56 });
 * willUpdate() { this.#virtual.count = this.items.length; }
 * render() {
 *   return html`<div class="scroller" ${ref(this.#virtual.observe)}>
 *     <div role="list" style="position: relative; height: ${this.#virtual.totalHeight}px">
 *       ${repeat(this.#virtual.indices(), (i) => this.items[i].id, (i) => html`<div role="listitem" style="position: absolute; top: ${this.#virtual.top(i)}px">…</div>`)}
 *     </div>
 *   </div>`;
 * }
 * ```
 *
 * Keyboard users move between rows with `reveal(index)`, which scrolls the row into view and
 * renders it. A row that holds the focus stays rendered while it is `pinned`, even when scrolled out
 * of view, so the focus is never lost to the page.
 */
export class VirtualListController implements ReactiveController {
  /** The index of a row to keep rendered wherever the list scrolls (the focused row); `-1` for none. */
  pinned = -1;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: Required<VirtualListOptions>;
  #count = 0;
  #rowHeight: number | null = null;
  #viewport: HTMLElement | null = null;
  #viewportHeight = 0;
  #range: VirtualRange = { start: 0, end: 0 };
  #resizeObserver: ResizeObserver | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement, options: VirtualListOptions) {
    this.#host = host;
    this.#options = { overscan: 6, maxRows: 100, ...options };
    host.addController(this);
  }

  /** Rows in the list. Set it before each render (in `willUpdate`). */
  get count(): number {
    return this.#count;
  }

  set count(value: number) {
    this.#count = Math.max(0, Math.floor(value));
  }

  /** The row height in pixels (the default until the scroll container is observed). */
  get rowHeight(): number {
    return this.#rowHeight ?? this.#options.defaultRowHeight;
  }

  /** The height of every row together: the spacer's height. */
  get totalHeight(): number {
    return this.#count * this.rowHeight;
  }

  /** The window to render now (without the pinned row). */
  get range(): VirtualRange {
    return this.#compute();
  }

  /**
   * The indices to render, in order: the window, and the pinned row when it lies outside it. Call
   * it in `render()`: the host updates when a scroll or a resize moves this window.
   */
  indices(): number[] {
    const { start, end } = (this.#range = this.#compute());
    const out: number[] = [];
    for (let index = start; index < end; index++) out.push(index);
    const pinned = this.pinned;
    if (pinned >= 0 && pinned < this.#count && (pinned < start || pinned >= end)) {
      if (out.length >= this.#options.maxRows) out.pop();
      if (pinned < start) out.unshift(pinned);
      else out.push(pinned);
    }
    return out;
  }

  /** The offset of row `index` from the top of the spacer, in pixels. */
  top(index: number): number {
    return index * this.rowHeight;
  }

  /** Watches the scroll container (use as a `ref` callback: `${ref(this.#virtual.observe)}`). */
  readonly observe = (element: Element | undefined): void => {
    const viewport = element instanceof HTMLElement ? element : null;
    if (viewport === this.#viewport) return;
    this.#unobserve();
    this.#viewport = viewport;
    if (viewport === null) return;
    viewport.addEventListener('scroll', this.#onScroll, { passive: true });
    this.#resizeObserver = new ResizeObserver(() => {
      this.#viewportHeight = viewport.clientHeight;
      this.#refresh();
    });
    this.#resizeObserver.observe(viewport);
  };

  /**
   * Scrolls row `index` into view (the least movement) and resolves once the host rendered it; the
   * row is then in the DOM, ready to take the focus.
   */
  async reveal(index: number): Promise<void> {
    const viewport = this.#viewport;
    if (viewport === null || index < 0 || index >= this.#count) return;
    this.#viewportHeight = viewport.clientHeight;
    const target = scrollTopFor(index, this.rowHeight, viewport.scrollTop, this.#viewportHeight);
    if (target !== viewport.scrollTop) viewport.scrollTop = target;
    this.#refresh();
    await this.#host.updateComplete;
  }

  /** How many rows fit in the scroll container (at least 1): a page for PageUp / PageDown. */
  get pageSize(): number {
    return Math.max(1, Math.floor(this.#viewportHeight / this.rowHeight));
  }

  hostUpdate(): void {
    // Before the first render that can show rows, so that the spacer and the rows agree.
    if (this.#rowHeight === null && this.#host.isConnected) this.#rowHeight = this.#readRowHeight();
  }

  hostDisconnected(): void {
    // The `ref` directive calls `observe(undefined)` too; this covers hosts that render no ref.
    this.#unobserve();
    this.#viewport = null;
  }

  #onScroll = (): void => {
    this.#refresh();
  };

  /** Asks the host to render when the window moved. */
  #refresh(): void {
    const next = this.#compute();
    if (next.start !== this.#range.start || next.end !== this.#range.end) this.#host.requestUpdate();
  }

  #compute(): VirtualRange {
    return visibleRange({
      count: this.#count,
      rowHeight: this.rowHeight,
      scrollTop: this.#viewport?.scrollTop ?? 0,
      viewportHeight: this.#viewportHeight,
      overscan: this.#options.overscan,
      maxRows: this.#options.maxRows - (this.pinned >= 0 ? 1 : 0),
    });
  }

  #unobserve(): void {
    this.#viewport?.removeEventListener('scroll', this.#onScroll);
    this.#resizeObserver?.disconnect();
    this.#resizeObserver = null;
  }

  /** The row height from the custom property, resolved to pixels by a probe when it is not in px. */
  #readRowHeight(): number {
    const fallback = this.#options.defaultRowHeight;
    const value = getComputedStyle(this.#host).getPropertyValue(this.#options.rowHeightProperty).trim();
    if (value === '') return fallback;
    if (/^\d+(\.\d+)?px$/.test(value)) return parseFloat(value) || fallback;
    const probe = document.createElement('div');
    probe.style.setProperty('position', 'absolute');
    probe.style.setProperty('visibility', 'hidden');
    probe.style.setProperty('height', value);
    (this.#host.shadowRoot ?? this.#host).append(probe);
    const height = parseFloat(getComputedStyle(probe).height);
    probe.remove();
    return height > 0 ? height : fallback;
  }
}

/** What `RowFocusController` needs to know about the list's rows. */
export interface RowFocusOptions {
  /** Rows in the list now. */
  count(): number;
  /** A stable key of the row at `index` (a user id), or `undefined` past the end. */
  keyAt(index: number): string | undefined;
  /** The index of the row with `key` now, or `-1` when it left the list. */
  indexOf(key: string): number;
}

/** Keys that move the focus between rows, and where to. */
const MOVES: Readonly<Record<string, (index: number, last: number, page: number) => number>> = {
  ArrowDown: (index) => index + 1,
  ArrowUp: (index) => index - 1,
  Home: () => 0,
  End: (_index, last) => last,
  PageDown: (index, _last, page) => index + page,
  PageUp: (index, _last, page) => index - page,
};

/**
 * Keyboard focus in a virtualized list: ArrowUp / ArrowDown, Home / End and PageUp / PageDown move
 * the focus from row to row (onto the same control: from one row's Accept button to the next row's),
 * scrolling the row into view first, so a keyboard user can reach any row. Tab keeps its usual
 * order among the rendered rows.
 *
 * The focus is followed by row key, not by element: the focused row stays rendered (the virtual
 * list's `pinned` row) wherever the list scrolls, and when the focused row leaves the list or the
 * focused control is replaced (Invite turns into Cancel), the focus moves to the row now at its
 * place, onto the same control or else the row's first button, or else the row. The focus is never
 * dropped on the page by a render.
 *
 * Rows are the elements with `part~="row"` and a `data-index`; a control is named by its first
 * `part` name. Give the list element to `observe` (`${ref(this.#rowFocus.observe)}`).
 */
export class RowFocusController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #virtual: VirtualListController;
  readonly #options: RowFocusOptions;
  #list: HTMLElement | null = null;
  /** The focused row's key, or `null` while the focus is not in the list. */
  #key: string | null = null;
  /** The focused control's part name, or `'row'`. */
  #target = 'row';
  /** The focused row's index at the last update. */
  #index = -1;
  /** Between `hostUpdate` and `hostUpdated`: the host is rendering. */
  #rendering = false;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    virtual: VirtualListController,
    options: RowFocusOptions,
  ) {
    this.#host = host;
    this.#virtual = virtual;
    this.#options = options;
    host.addController(this);
  }

  /** Watches the list element (use as a `ref` callback). */
  readonly observe = (element: Element | undefined): void => {
    const list = element instanceof HTMLElement ? element : null;
    if (list === this.#list) return;
    this.#list?.removeEventListener('keydown', this.#onKeyDown);
    this.#list?.removeEventListener('focusin', this.#onFocusIn);
    this.#list?.removeEventListener('focusout', this.#onFocusOut);
    this.#list = list;
    list?.addEventListener('keydown', this.#onKeyDown);
    list?.addEventListener('focusin', this.#onFocusIn);
    list?.addEventListener('focusout', this.#onFocusOut);
  };

  /**
   * Scrolls row `index` into view and focuses it, or its control named `target` (a part name).
   * Resolves once the focus is there.
   */
  async focusRow(index: number, target = 'row'): Promise<void> {
    const key = this.#options.keyAt(index);
    if (key === undefined) return;
    this.#key = key;
    this.#target = target;
    this.#index = index;
    this.#virtual.pinned = index;
    this.#host.requestUpdate();
    await this.#virtual.reveal(index);
    await this.#host.updateComplete;
    this.#key = key;
    this.#target = target;
    this.#element()?.focus();
  }

  hostUpdate(): void {
    this.#rendering = true;
    const key = this.#key;
    if (key === null) {
      this.#virtual.pinned = -1;
      return;
    }
    let index = this.#options.indexOf(key);
    if (index === -1) {
      // The focused row left the list: the row now at its place takes over.
      index = Math.min(this.#index, this.#options.count() - 1);
      const next = index < 0 ? undefined : this.#options.keyAt(index);
      if (next === undefined) {
        this.#key = null;
        this.#virtual.pinned = -1;
        return;
      }
      this.#key = next;
    }
    this.#index = index;
    this.#virtual.pinned = index;
  }

  hostUpdated(): void {
    this.#rendering = false;
    if (this.#key === null || this.#holdsFocus()) return;
    // The render removed the focused element (its row left, or its control changed).
    this.#element()?.focus();
  }

  hostDisconnected(): void {
    this.#key = null;
  }

  #onKeyDown = (event: KeyboardEvent): void => {
    const move = MOVES[event.key];
    if (move === undefined || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('[part~="row"]');
    if (row === null) return;
    const last = this.#options.count() - 1;
    const next = move(Number(row.dataset.index), last, this.#virtual.pageSize);
    event.preventDefault();
    void this.focusRow(Math.min(last, Math.max(0, next)), targetOf(target, row));
  };

  #onFocusIn = (event: FocusEvent): void => {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('[part~="row"]');
    const index = row === null ? -1 : Number(row.dataset.index);
    const key = this.#options.keyAt(index);
    if (row === null || key === undefined) return;
    this.#key = key;
    this.#target = targetOf(target, row);
    this.#index = index;
    this.#virtual.pinned = index;
  };

  #onFocusOut = (event: FocusEvent): void => {
    const next = event.relatedTarget;
    if (next instanceof Node && this.#list?.contains(next)) return;
    // An element removed by a render is not the user leaving the list.
    if (this.#rendering || !(event.target as Node).isConnected) return;
    this.#key = null;
    this.#virtual.pinned = -1;
  };

  #holdsFocus(): boolean {
    const active = this.#host.shadowRoot?.activeElement ?? null;
    return active !== null && this.#list?.contains(active) === true;
  }

  /** The element to focus for `#key` and `#target`, when its row is rendered. */
  #element(): HTMLElement | null {
    const key = this.#key;
    if (key === null || this.#list === null) return null;
    const index = this.#options.indexOf(key);
    const row = this.#list.querySelector<HTMLElement>(`[part~="row"][data-index="${index}"]`);
    if (row === null || this.#target === 'row') return row;
    return (
      row.querySelector<HTMLElement>(`[part~="${this.#target}"]`) ??
      row.querySelector<HTMLElement>('button') ??
      row
    );
  }
}

function targetOf(element: HTMLElement, row: HTMLElement): string {
  if (element === row) return 'row';
  return element.part[0] ?? 'row';
}
