import { defineConfig } from 'vite';

// No React plugin needed: Vite's esbuild compiles TSX with React 19's automatic runtime.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
});
