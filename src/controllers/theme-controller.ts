import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { adoptThemeRules } from '../styles/theme.js';

/**
 * Makes `data-cg-theme="light" | "dark"` on an ancestor apply to the host (see `styles/theme.ts`).
 * Every element of the kit adds one: `#theme = new ThemeController(this);`.
 */
export class ThemeController implements ReactiveController {
  #host: ReactiveControllerHost & Element;

  constructor(host: ReactiveControllerHost & Element) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    adoptThemeRules(this.#host);
  }
}
