export {
  $locale,
  $messages,
  BUILT_IN_LOCALES,
  format,
  getLocale,
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
export { ko } from './locales/ko.js';
export { zhCN } from './locales/zh-CN.js';
