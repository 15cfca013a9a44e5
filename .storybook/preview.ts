/**
 * Storybook's preview: controls and docs come from the Custom Elements Manifest (the same
 * `custom-elements.json` the package ships), every story gets a docs page, and the shared
 * annotations (theme, locale, demo-live cleanup) apply to every story.
 */
import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json' with { type: 'json' };
import { annotations } from './annotations.js';

setCustomElementsManifest(manifest);

const preview: Preview = {
  ...annotations,
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
  },
};

export default preview;
