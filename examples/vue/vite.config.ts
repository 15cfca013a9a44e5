import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    vue({
      template: {
        // The kit's tags are custom elements, not Vue components: Vue creates them as elements and
        // sets their properties. (This app's own components are PascalCase, so any tag with a dash
        // is a custom element.)
        compilerOptions: { isCustomElement: (tag) => tag.includes('-') },
      },
    }),
  ],
});
