/**
 * The design tokens: every token reaches the elements with its documented default, and
 * docs/theming.md lists every token with its defaults.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { css, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { emulateMedia } from '@web/test-runner-commands';
import { ThemeController } from '../../src/controllers/theme-controller.js';
import { base, tokens, TOKENS, type TokenDefinition } from '../../src/styles/tokens.js';

@customElement('test-token-probe')
class TestTokenProbe extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
      :host {
        display: block;
      }
    `,
  ];

  constructor() {
    super();
    new ThemeController(this);
  }

  /** The private copy of a token as an element sees it. */
  read(name: string): string {
    return getComputedStyle(this).getPropertyValue(`--_cg-${name}`).trim();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'test-token-probe': TestTokenProbe;
  }
}

describe('design tokens', () => {
  it('have unique names', () => {
    const names = TOKENS.map((token) => token.name);
    expect(new Set(names).size).to.equal(names.length);
  });

  it('reach an element with their defaults when the page sets nothing', async () => {
    const el = await fixture<TestTokenProbe>(html`<test-token-probe></test-token-probe>`);
    for (const token of TOKENS as readonly TokenDefinition[]) {
      const value = el.read(token.name);
      if (token.dark === undefined || token.dark === token.light) {
        expect(value, token.name).to.equal(token.light);
      } else {
        expect(value, token.name).to.equal(`light-dark(${token.light}, ${token.dark})`);
      }
    }
  });

  it('take the value a page sets on an ancestor', async () => {
    const wrapper = await fixture<HTMLDivElement>(
      html`<div style="--cg-color-accent: rgb(1, 2, 3); --cg-space-2: 10px">
        <test-token-probe></test-token-probe>
      </div>`,
    );
    const el = wrapper.querySelector('test-token-probe')!;
    expect(el.read('color-accent')).to.equal('rgb(1, 2, 3)');
    expect(el.read('space-2')).to.equal('10px');
  });

  describe('user preferences', () => {
    afterEach(async () => {
      await emulateMedia({ reducedMotion: 'no-preference', colorScheme: 'light' });
    });

    it('drop transitions under prefers-reduced-motion', async () => {
      const el = await fixture<TestTokenProbe>(
        html`<test-token-probe style="--cg-duration: 2s"></test-token-probe>`,
      );
      expect(el.read('duration')).to.equal('2s');
      await emulateMedia({ reducedMotion: 'reduce' });
      expect(el.read('duration')).to.equal('0s');
    });

    it('follow prefers-color-scheme unless a theme is forced', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <div><test-token-probe></test-token-probe></div>
          <div data-cg-theme="light"><test-token-probe></test-token-probe></div>
        </div>`,
      );
      const [free, forced] = [...wrapper.querySelectorAll('test-token-probe')];
      const textColor = (el: Element | undefined): string =>
        el === undefined ? '' : getComputedStyle(el).getPropertyValue('color');
      free!.style.color = 'var(--_cg-color-text)';
      forced!.style.color = 'var(--_cg-color-text)';
      await emulateMedia({ colorScheme: 'dark' });
      expect(textColor(free)).to.equal('rgb(249, 250, 251)');
      expect(textColor(forced)).to.equal('rgb(17, 24, 39)');
      await emulateMedia({ colorScheme: 'light' });
      expect(textColor(free)).to.equal('rgb(17, 24, 39)');
    });
  });

  it('are all documented in docs/theming.md with their defaults', async () => {
    const response = await fetch('/docs/theming.md');
    expect(response.ok, 'docs/theming.md is served').to.equal(true);
    const doc = await response.text();
    for (const token of TOKENS as readonly TokenDefinition[]) {
      expect(doc, token.name).to.include(`\`--cg-${token.name}\``);
      expect(doc, `${token.name} light default`).to.include(`\`${token.light}\``);
      if (token.dark !== undefined) expect(doc, `${token.name} dark default`).to.include(`\`${token.dark}\``);
    }
  });
});
