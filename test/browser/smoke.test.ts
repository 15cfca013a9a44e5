/**
 * Smoke test of the browser test setup itself: TypeScript and decorators through esbuild, bare
 * imports through node-resolve, the protocol module in a real page, Lit rendering and axe.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ErrorCode, errorName } from '../../src/protocol/errors.js';

@customElement('smoke-greeting')
class SmokeGreeting extends LitElement {
  @property() name = 'guest';

  override render() {
    return html`<button type="button">Greet ${this.name}</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'smoke-greeting': SmokeGreeting;
  }
}

describe('browser test setup', () => {
  it('loads the protocol module', () => {
    expect(errorName(ErrorCode.SEAT_OCCUPIED)).to.equal('SEAT_OCCUPIED');
  });

  it('renders a Lit element that passes axe', async () => {
    const el = await fixture<SmokeGreeting>(html`<smoke-greeting name="Ada"></smoke-greeting>`);
    expect(el.shadowRoot?.querySelector('button')?.textContent).to.equal('Greet Ada');
    await expect(el).to.be.accessible();
  });
});
