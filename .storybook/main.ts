/**
 * Storybook (`npm run storybook`, `npm run build-storybook`): the stories of stories/, rendered by
 * the Web Components renderer on Vite. See stories/README.md and docs/decisions/0009.
 *
 * The build must work with no network (CI runs it in a loopback-only namespace): telemetry, update
 * checks and crash reports are off, and nothing is fetched at build time.
 */
import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  framework: '@storybook/web-components-vite',
  stories: ['../stories/**/*.stories.ts'],
  addons: ['@storybook/addon-docs'],
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
  viteFinal(viteConfig, { configType }) {
    // nanostores reads process.env.NODE_ENV (dev-mode checks); the browser has no `process`.
    const mode = configType === 'PRODUCTION' ? 'production' : 'development';
    viteConfig.define = { ...viteConfig.define, 'process.env.NODE_ENV': JSON.stringify(mode) };
    // Storybook's own manager and docs bundles are large by nature; the kit's chunks are small.
    viteConfig.build = { ...viteConfig.build, chunkSizeWarningLimit: 2048 };
    // The build lists every chunk it writes; keep its output to warnings and errors.
    if (configType === 'PRODUCTION') viteConfig.logLevel = 'warn';
    return viteConfig;
  },
};

export default config;
