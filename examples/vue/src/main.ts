// Registers the kit's elements before the app renders them.
import 'co-guest-kit';
import { createApp } from 'vue';
import App from './App.vue';
import { startLive } from './live.js';

startLive().then(
  (live) => createApp(App, { live }).mount('#app'),
  (error: unknown) => {
    document.body.textContent = `The live did not start: ${String(error)}`;
  },
);
