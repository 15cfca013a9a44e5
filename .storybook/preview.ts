/**
 * Storybook's preview: controls and docs come from the Custom Elements Manifest (the same
 * `custom-elements.json` the package ships), every story gets a docs page, and the shared
 * annotations (theme, locale, demo-live cleanup) apply to every story.
 */
import { setCustomElementsManifest, type Preview } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json' with { type: 'json' };
import { annotations } from './annotations.js';

interface ManifestMember {
  readonly name: string;
  readonly privacy?: string;
  readonly static?: boolean;
}

/** Only the public API in controls and docs: no private (`#x`), protected or static members. */
function isPublic(member: ManifestMember): boolean {
  return (
    member.privacy !== 'private' &&
    member.privacy !== 'protected' &&
    member.static !== true &&
    !member.name.startsWith('#')
  );
}

setCustomElementsManifest({
  ...manifest,
  modules: manifest.modules.map((module) => ({
    ...module,
    declarations: module.declarations?.map((declaration) =>
      'members' in declaration
        ? { ...declaration, members: (declaration.members as ManifestMember[]).filter(isPublic) }
        : declaration,
    ),
  })),
});

const preview: Preview = {
  ...annotations,
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
  },
};

export default preview;
