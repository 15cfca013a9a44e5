/**
 * The page's own seat layers of `<live-core-view>`: its `<template slot="foreground|background">`
 * children (the first of each, followed as they change), and the code of the layers
 * (`seat-views.ts`: the `videoWidgetBuilder`'s calls and the template stamps), loaded the first time
 * the page gives a builder or a template: a page that gives neither never fetches it. While it
 * loads, the view's first render waits (so that no tile shows its default layer first), and so does
 * its `updateComplete`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LayerTemplates, SeatViews, VideoWidgetBuilder, ViewLayer } from './seat-views.js';

/** The loaded code, and the views it keeps for one element. */
interface Loaded {
  readonly module: typeof import('./seat-views.js');
  readonly views: SeatViews;
}

type Host = HTMLElement & ReactiveControllerHost;

export class PageLayers implements ReactiveController {
  readonly #host: Host;
  #loaded: Loaded | null = null;
  #loading: Promise<void> | null = null;
  #failed = false;
  #templates: LayerTemplates = { foreground: null, background: null };
  readonly #observer = new MutationObserver(() => this.#readTemplates());

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#observer.observe(this.#host, { childList: true });
    this.#readTemplates();
  }

  hostDisconnected(): void {
    this.#observer.disconnect();
  }

  /** The page's layer templates. */
  get templates(): LayerTemplates {
    return this.#templates;
  }

  /** The views, once the code is there. */
  get views(): SeatViews | null {
    return this.#loaded?.views ?? null;
  }

  /** The load under way, if any. */
  get loading(): Promise<void> | null {
    return this.#loading;
  }

  /**
   * Starts loading the code when the page gives layers (`builder`, or a template) and it is not
   * there yet; returns whether a render must wait for it.
   */
  need(builder: VideoWidgetBuilder | null): boolean {
    const { foreground, background } = this.#templates;
    if (this.#loaded !== null || (builder === null && foreground === null && background === null))
      return false;
    this.#load();
    return this.#loading !== null;
  }

  /** The slot name of `layer` of seat `index` when the page gives that layer, or `null`. */
  slotFor(index: number, layer: ViewLayer): string | null {
    const loaded = this.#loaded;
    return loaded?.views.has(index, layer) === true ? loaded.module.layerSlotName(index, layer) : null;
  }

  /** Finds the layer templates among the children (the first of each); re-renders when they change. */
  #readTemplates(): void {
    const find = (layer: ViewLayer): HTMLTemplateElement | null =>
      Array.from(this.#host.children).find(
        (child): child is HTMLTemplateElement => child instanceof HTMLTemplateElement && child.slot === layer,
      ) ?? null;
    const next: LayerTemplates = { foreground: find('foreground'), background: find('background') };
    if (next.foreground === this.#templates.foreground && next.background === this.#templates.background) {
      return;
    }
    this.#templates = next;
    this.#host.requestUpdate();
  }

  /** Loads the code, once; after a failed load the tiles keep their default layers. */
  #load(): void {
    if (this.#loading !== null || this.#failed) return;
    this.#loading = import('./seat-views.js')
      .then(
        (module) => {
          this.#loaded = { module, views: new module.SeatViews(this.#host) };
        },
        (error: unknown) => {
          this.#failed = true;
          console.error("<live-core-view>: the code of the page's layers failed to load", error);
        },
      )
      .finally(() => {
        this.#loading = null;
        this.#host.requestUpdate();
      });
  }
}
