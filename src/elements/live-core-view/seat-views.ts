/**
 * The per-seat layer views of `<live-core-view>` (the seed's `VideoWidgetBuilder`): what the
 * page's builder returns, or stamps of its `<template slot="foreground|background">`, kept as
 * light-DOM children of the view so that page CSS styles them, and added, updated and removed as
 * people take, leave and change seats. The view loads this module (and `stamp.ts`) the first time a
 * page gives it layers of its own, so a page that gives none never fetches it.
 */
import { nothing, render, type TemplateResult } from 'lit';
import { isTemplateResult } from 'lit/directive-helpers.js';
import type { SeatInfo, SeatUserInfo } from '../../protocol/types.js';
import { sameSeat } from '../../protocol/same-seat.js';
import { Stamp, type SeatTemplateData } from './stamp.js';

/**
 * Which layer of a seat a view is for (the seed's `ViewLayer`): `foreground` is drawn over the
 * video at all times; `background` is drawn while the seat's user has no video.
 */
export type ViewLayer = 'foreground' | 'background';

/** Both layers, foreground first. */
export const VIEW_LAYERS: readonly ViewLayer[] = ['foreground', 'background'];

/** An occupied seat with its user (the seed's `SeatFullInfo`). */
export interface SeatFullInfo extends SeatInfo {
  readonly userInfo: SeatUserInfo;
}

/** What a builder may return for one layer: a node, a Lit template, or nothing for the default. */
export type SeatLayerView = Node | TemplateResult | null | undefined | void;

/**
 * Builds the per-seat layer views of `<live-core-view>` (the seed's `VideoWidgetBuilder`).
 *
 * `coGuestWidgetBuilder` is called once per occupied seat and layer, and again only when that
 * seat's data changed (any field of the seat or its user) or the builder is replaced. It returns a
 * DOM node (kept as is: listeners the page added stay), a Lit `TemplateResult` (rendered with
 * Lit's `render()`), or nothing to keep the tile's default layer.
 */
export interface VideoWidgetBuilder {
  coGuestWidgetBuilder?(seatFullInfo: SeatFullInfo, viewLayer: ViewLayer): SeatLayerView;
}

/** The `<template>` of each layer the page gave, or `null`. */
export type LayerTemplates = Readonly<Record<ViewLayer, HTMLTemplateElement | null>>;

/** One occupied seat to show views for. */
export interface SeatViewInput {
  readonly seat: SeatFullInfo;
  /** The seat's user is the session's logged-in user. */
  readonly local: boolean;
}

/** The slot name of a seat's layer content among the view's children: `seat-2-foreground`. */
export function layerSlotName(seatIndex: number, layer: ViewLayer): string {
  return `seat-${seatIndex}-${layer}`;
}

/** The template data of a seat. */
export function templateData(seat: SeatFullInfo, local: boolean): SeatTemplateData {
  const user = seat.userInfo;
  return {
    userId: user.userId,
    userName: user.userName,
    avatarUrl: user.avatarUrl,
    seatIndex: String(seat.index),
    seatNumber: String(seat.index + 1),
    microphoneStatus: user.microphoneStatus,
    cameraStatus: user.cameraStatus,
    role: user.role,
    isLocal: String(local),
  };
}

interface LayerView {
  readonly slot: string;
  /** The seat the builder was last called with (or would have been). */
  seat: SeatFullInfo;
  /** The builder last called, or `null`. */
  builder: VideoWidgetBuilder | null;
  /** What the builder's result put in the page, or `null` when it returned nothing. */
  built: Element | null;
  /** The container a `TemplateResult` from the builder is rendered into (kept for reuse). */
  litContainer: HTMLDivElement | null;
  template: HTMLTemplateElement | null;
  stamp: Stamp | null;
}

/** A `display: contents` container for content that is not one element. */
function container(document: Document): HTMLDivElement {
  const div = document.createElement('div');
  div.style.display = 'contents';
  return div;
}

/**
 * Keeps the layer views of a host's occupied seats in its light DOM: `sync()` with the seats to
 * show adds, updates and removes them; `has()` says which seat layers have content (the host
 * forwards only those, so the others keep the tile's default layer).
 */
export class SeatViews {
  readonly #host: HTMLElement;
  readonly #views = new Map<string, LayerView>();

  constructor(host: HTMLElement) {
    this.#host = host;
  }

  /** Whether the layer of the seat has content from the builder or a template. */
  has(seatIndex: number, layer: ViewLayer): boolean {
    const view = this.#views.get(layerSlotName(seatIndex, layer));
    return view !== undefined && (view.built !== null || view.stamp !== null);
  }

  /** Brings the views in line with `seats`; views of seats not listed are removed. */
  sync(seats: readonly SeatViewInput[], builder: VideoWidgetBuilder | null, templates: LayerTemplates): void {
    const wanted = new Set<string>();
    for (const { seat, local } of seats) {
      for (const layer of VIEW_LAYERS) {
        const slot = layerSlotName(seat.index, layer);
        wanted.add(slot);
        this.#syncLayer(slot, seat, layer, local, builder, templates[layer]);
      }
    }
    for (const [slot, view] of this.#views) {
      if (wanted.has(slot)) continue;
      this.#drop(view);
      this.#views.delete(slot);
    }
  }

  /** Removes every view. */
  clear(): void {
    this.sync([], null, { foreground: null, background: null });
  }

  #syncLayer(
    slot: string,
    seat: SeatFullInfo,
    layer: ViewLayer,
    local: boolean,
    builder: VideoWidgetBuilder | null,
    template: HTMLTemplateElement | null,
  ): void {
    let view = this.#views.get(slot);
    const fresh = view === undefined;
    view ??= { slot, seat, builder: null, built: null, litContainer: null, template: null, stamp: null };
    this.#views.set(slot, view);

    if (fresh || builder !== view.builder || !sameSeat(seat, view.seat)) {
      view.seat = seat;
      view.builder = builder;
      this.#setBuilt(view, this.#build(builder, seat, layer));
    }

    if (view.built === null && template !== null) {
      if (view.template !== template || view.stamp === null) {
        view.stamp?.root.remove();
        view.template = template;
        view.stamp = new Stamp(template);
        view.stamp.root.slot = slot;
      }
      view.stamp.update(templateData(seat, local));
      this.#place(view.stamp.root);
    } else {
      view.stamp?.root.remove();
      view.stamp = null;
      view.template = null;
    }
    if (view.built !== null) this.#place(view.built);
  }

  /** Calls the builder; a builder that throws is reported and leaves the default layer. */
  #build(builder: VideoWidgetBuilder | null, seat: SeatFullInfo, layer: ViewLayer): SeatLayerView {
    if (builder === null || typeof builder.coGuestWidgetBuilder !== 'function') return null;
    try {
      return builder.coGuestWidgetBuilder(seat, layer);
    } catch (error) {
      reportError(error);
      return null;
    }
  }

  /** Puts the builder's `result` in place of the view's previous one. */
  #setBuilt(view: LayerView, result: SeatLayerView): void {
    const previous = view.built;
    let next: Element | null = null;
    if (isTemplateResult(result)) {
      view.litContainer ??= container(this.#host.ownerDocument);
      render(result, view.litContainer);
      next = view.litContainer;
    } else if (result instanceof Element) {
      next = result;
    } else if (result instanceof Node) {
      next = container(this.#host.ownerDocument);
      next.append(result);
    }
    if (next !== view.litContainer && view.litContainer !== null) {
      render(nothing, view.litContainer);
      view.litContainer.remove();
      view.litContainer = null;
    }
    if (previous !== null && previous !== next && previous.parentNode === this.#host) previous.remove();
    if (next !== null) next.slot = view.slot;
    view.built = next;
  }

  /** Makes `element` a child of the host (again, when the page moved it away). */
  #place(element: Element): void {
    if (element.parentNode !== this.#host) this.#host.append(element);
  }

  #drop(view: LayerView): void {
    this.#setBuilt(view, null);
    view.stamp?.root.remove();
    view.stamp = null;
  }
}
