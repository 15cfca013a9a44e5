import { atom, computed, type ReadableAtom } from 'nanostores';
import { en, type MessageArgs, type MessageKey, type Messages } from './messages.js';

/**
 * The kit's one localization layer.
 *
 * - `setLocale('zh-CN')` switches every element at runtime (they read `$messages` through a
 *   `LocalizeController` and re-render). English is built in; every other shipped catalog is a
 *   separate module loaded on first use, so a page pays only for the languages it shows. Until it
 *   has arrived the elements show English and re-render when it does; `await loadLocale('ko')`
 *   before `setLocale('ko')` switches with no moment of English.
 * - `registerMessages(locale, partial)` overrides single strings, or adds a locale; it returns a
 *   function that removes the override again.
 * - A missing message falls back along the locale's subtags (`ko-KR` → `ko`), then to English.
 *
 * The locale is page-wide (one reader, one language), unlike sessions; it starts as `'en'` and the
 * kit never reads nor changes `document.documentElement.lang`: call
 * `setLocale(document.documentElement.lang)` to follow the page.
 */

/** The locales shipped with the kit. */
export const BUILT_IN_LOCALES = ['en', 'zh-CN', 'ko'] as const;

export type BuiltInLocale = (typeof BUILT_IN_LOCALES)[number];

/** The messages of one locale as the elements use them. */
export interface ResolvedMessages {
  /** The locale asked for with `setLocale` (canonical form, e.g. `zh-CN`). */
  readonly locale: string;
  /**
   * The language of the messages: the most specific locale in the fallback chain that has any
   * message, `'en'` when none has. Elements put it in `lang` attributes so that assistive
   * technology pronounces the text correctly.
   */
  readonly lang: string;
  readonly messages: Messages;
}

interface Override {
  readonly locale: string;
  readonly messages: Partial<Record<MessageKey, string>>;
}

/** How each shipped catalog but English is fetched: one module each, loaded on first use. */
const LOADERS: Readonly<Record<string, () => Promise<Messages>>> = {
  'zh-CN': () => import('./locales/zh-CN.js').then((module) => module.zhCN),
  ko: () => import('./locales/ko.js').then((module) => module.ko),
};

/** The shipped catalogs loaded so far. */
const $catalogs = atom<Readonly<Record<string, Messages>>>({ en });
const loading = new Map<string, Promise<void>>();

/** Chinese in traditional script (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`): not given the shipped `zh-CN`. */
const TRADITIONAL_CHINESE = /^zh(-[a-z]{3})?(-Hant|(-[A-Za-z]{4})?-(TW|HK|MO))\b/;

const $requested = atom<string>('en');
const $overrides = atom<readonly Override[]>([]);

/** The current locale (canonical BCP 47 tag). Change it with `setLocale`. */
export const $locale: ReadableAtom<string> = $requested;

/** The messages of the current locale, with fallbacks and overrides applied. */
export const $messages: ReadableAtom<ResolvedMessages> = computed(
  [$requested, $overrides, $catalogs],
  (locale, overrides, catalogs) => resolve(locale, overrides, catalogs),
);

/**
 * Switches the kit's language; every element re-renders. Accepts any BCP 47 tag (case-insensitive,
 * `zh-cn` = `zh-CN`); a locale without messages shows English.
 *
 * The switch itself is immediate. A shipped catalog that was not loaded yet is fetched (see
 * `loadLocale`); until it arrives the elements show the fallback, then re-render.
 *
 * @throws {RangeError} when `locale` is not a well-formed language tag (as `Intl` does).
 */
export function setLocale(locale: string): void {
  const tag = canonical(locale);
  $requested.set(tag);
  void load(tag);
}

/**
 * Fetches the shipped messages of `locale` (and of its fallbacks) without switching to it, so that
 * a later `setLocale(locale)` shows them at once.
 *
 * @returns A promise that settles once they are in (at once for English or a catalog already
 *   loaded). It never rejects: a catalog that fails to load leaves the English fallback.
 * @throws {RangeError} when `locale` is not a well-formed language tag.
 */
export function loadLocale(locale: string): Promise<void> {
  return load(canonical(locale));
}

/** The current locale. */
export function getLocale(): string {
  return $requested.get();
}

/**
 * Adds messages for `locale`, over the shipped ones and earlier registrations: a single string
 * (`registerMessages('en', { 'tile.emptySeat': 'Free seat' })`) or a whole new language. Only known
 * keys with string values are taken. Elements re-render at once.
 *
 * @returns A function that removes exactly this registration.
 * @throws {RangeError} when `locale` is not a well-formed language tag.
 */
export function registerMessages(locale: string, messages: Partial<Messages>): () => void {
  const override: Override = { locale: canonical(locale), messages: knownStrings(messages) };
  $overrides.set([...$overrides.get(), override]);
  return () => {
    $overrides.set($overrides.get().filter((entry) => entry !== override));
  };
}

/**
 * Adds shipped English texts to the built-in catalog. Not public API: the autoloader's element
 * modules (`dist/browser/elements/`) carry the texts only their tags show and add them here before
 * their element is defined (scripts/bundle.mjs, docs/decisions/0037). Pages use `registerMessages`.
 */
export function addShippedMessages(messages: Partial<Messages>): void {
  const catalogs = $catalogs.get();
  // The autoloader build starts `en` with only the texts of its base; each tag adds its own.
  $catalogs.set({ ...catalogs, en: { ...catalogs.en, ...messages } as Messages });
}

/**
 * The message `key` in the current locale with its placeholders filled, for code outside elements
 * (elements use `LocalizeController#t`, which also re-renders them).
 *
 * @example translate('tile.seat', { index: 2 }) // 'Seat 2'
 */
export function translate<K extends MessageKey>(key: K, ...args: MessageArgs<K>): string {
  const { messages, lang } = $messages.get();
  return format(messages[key], args[0], lang);
}

/**
 * Fills `{placeholder}`s in `text` from `params` in one pass: values are inserted as they are
 * (numbers formatted for `lang`) and are never themselves searched for placeholders. A placeholder
 * without a value stays as written.
 */
export function format(
  text: string,
  params: Readonly<Record<string, string | number>> | undefined,
  lang: string,
): string {
  if (params === undefined) return text;
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (placeholder, name: string) => {
    if (!Object.hasOwn(params, name)) return placeholder;
    const value = params[name];
    return typeof value === 'number' ? numberFormat(lang).format(value) : String(value);
  });
}

function canonical(locale: string): string {
  const [tag] = Intl.getCanonicalLocales(locale);
  if (tag === undefined) throw new RangeError(`Incorrect locale information provided: ${locale}`);
  return tag;
}

function knownStrings(messages: Partial<Messages>): Partial<Record<MessageKey, string>> {
  const known: Partial<Record<MessageKey, string>> = {};
  for (const [key, text] of Object.entries(messages)) {
    if (Object.hasOwn(en, key) && typeof text === 'string') known[key as MessageKey] = text;
  }
  return known;
}

/** `zh-Hant-TW` → `['zh-Hant-TW', 'zh-Hant', 'zh']`, plus `zh-CN` for simplified Chinese. */
function fallbackChain(locale: string): string[] {
  const parts = locale.split('-');
  const chain: string[] = [];
  for (let length = parts.length; length > 0; length--) chain.push(parts.slice(0, length).join('-'));
  if (parts[0] === 'zh' && !TRADITIONAL_CHINESE.test(locale) && !chain.includes('zh-CN')) {
    chain.push('zh-CN');
  }
  return chain;
}

function load(locale: string): Promise<void> {
  const pending = fallbackChain(locale).flatMap((tag) => {
    const loader = LOADERS[tag];
    if (loader === undefined || Object.hasOwn($catalogs.get(), tag)) return [];
    let promise = loading.get(tag);
    if (promise === undefined) {
      promise = loader().then(
        (messages) => {
          $catalogs.set({ ...$catalogs.get(), [tag]: messages });
        },
        () => {
          // Left to the English fallback; a later `setLocale` tries again.
          loading.delete(tag);
        },
      );
      loading.set(tag, promise);
    }
    return [promise];
  });
  return Promise.all(pending).then(() => undefined);
}

function resolve(
  locale: string,
  overrides: readonly Override[],
  catalogs: Readonly<Record<string, Messages>>,
): ResolvedMessages {
  // Least specific first, so that more specific layers are merged over it.
  const chain = [
    'en',
    ...fallbackChain(locale)
      .filter((tag) => tag !== 'en')
      .reverse(),
  ];
  let messages: Partial<Record<MessageKey, string>> = {};
  let lang = 'en';
  for (const tag of chain) {
    const layers = [catalogs[tag], ...overrides.filter((o) => o.locale === tag).map((o) => o.messages)];
    for (const layer of layers) {
      if (layer === undefined) continue;
      messages = { ...messages, ...layer };
      if (Object.keys(layer).length > 0) lang = tag;
    }
  }
  return { locale, lang, messages: messages as Messages };
}

const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(lang: string): Intl.NumberFormat {
  let formatter = numberFormats.get(lang);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(lang);
    numberFormats.set(lang, formatter);
  }
  return formatter;
}
