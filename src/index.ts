/**
 * `co-guest-kit`: everything for a page. Importing it registers the kit's custom elements and
 * re-exports the headless client, the local (in-page) mode, the i18n layer and the controllers.
 */
export * from './core/index.js';
export * from './local/index.js';
export * from './i18n/index.js';
export { StoreController } from './controllers/store-controller.js';
export { GuestSeatTile } from './elements/guest-seat-tile/guest-seat-tile.js';
