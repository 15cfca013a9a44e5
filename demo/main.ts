/**
 * The demo's entry: registers the app (and through it the kit's elements), puts the kit's design
 * tokens on the page, and applies the saved (or the browser's) language and theme before the first
 * render.
 */
import { DemoApp } from './app.js';
import { loadPreference } from './state.js';
import { isDemoLocale, matchLocale } from './strings.js';
import { installTokens, savedTheme } from './theme.js';

installTokens(document);

const app = new DemoApp();
const language = loadPreference('language');
app.locale = language !== null && isDemoLocale(language) ? language : matchLocale(navigator.language);
app.theme = savedTheme();
document.body.replaceChildren(app);
