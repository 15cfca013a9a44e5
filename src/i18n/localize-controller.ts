import type { ReactiveControllerHost } from 'lit';
import { StoreController } from '../controllers/store-controller.js';
import { $messages, format, type ResolvedMessages } from './localize.js';
import type { MessageArgs, MessageKey } from './messages.js';

/**
 * Gives an element its strings in the current locale and re-renders it when the locale changes or
 * messages are registered. Every element with text adds one:
 *
 * ```ts
 * #i18n = new LocalizeController(this);
 * render() { return html`<span lang=${this.#i18n.lang}>${this.#i18n.t('tile.emptySeat')}</span>`; }
 * ```
 */
export class LocalizeController {
  #messages: StoreController<ResolvedMessages>;

  constructor(host: ReactiveControllerHost) {
    this.#messages = new StoreController(host, $messages);
  }

  /** The locale asked for with `setLocale`. */
  get locale(): string {
    return this.#messages.value.locale;
  }

  /** The language the messages are actually in (for `lang` attributes). */
  get lang(): string {
    return this.#messages.value.lang;
  }

  /** The message `key` with its placeholders filled. Plain text: bind it as text, never as HTML. */
  t<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string {
    const { messages, lang } = this.#messages.value;
    return format(messages[key], args[0], lang);
  }
}
