export {
  $locale,
  $messages,
  BUILT_IN_LOCALES,
  format,
  getLocale,
  loadLocale,
  registerMessages,
  setLocale,
  translate,
  type BuiltInLocale,
  type ResolvedMessages,
} from './localize.js';
export { LocalizeController } from './localize-controller.js';
export {
  en,
  type MessageArgs,
  type MessageKey,
  type MessageParams,
  type Messages,
  type Placeholders,
  type PlainMessage,
} from './messages.js';
