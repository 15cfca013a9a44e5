/**
 * What every framework example must show in the browser, the same for Vue, Angular and React: each
 * example renders the same host and audience panels with the same `data-test` hooks.
 *
 * (a) the tags render (shadow content); (b) a property bound in the framework reaches the element;
 * (c) one of the kit's events reaches the framework's handler; (d) a store change re-renders the
 * framework's view. The tests run in order: (c) and (d) follow one application through. Page
 * scripts are strings: this file is compiled by tsx, whose helpers do not exist in the page.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Page } from 'playwright-core';

export interface Opened {
  readonly page: Page;
  readonly errors: readonly string[];
}

/** The text of the framework's element `data-test=name` once it equals `text`. */
async function framework(page: Page, name: string, text: string): Promise<void> {
  await page.locator(`[data-test="${name}"]`).filter({ hasText: text }).first().waitFor();
  assert.equal((await page.locator(`[data-test="${name}"]`).innerText()).trim(), text);
}

export function frameworkContract(opened: () => Opened): void {
  it('(a) renders the tags: their shadow content is there', async () => {
    const { page } = opened();
    // The stage shows the host on seat 0 (the view's shadow root holds the tiles).
    await page.waitForFunction(`Array.from(
      document.querySelector('live-core-view')?.shadowRoot?.querySelectorAll('guest-seat-tile') ?? [],
    ).some((tile) => tile.seat?.userInfo?.userId === 'hana')`);
    await page.locator('applicant-list [part~="empty"]').waitFor();
    await page.locator('apply-button [part~="button"]').waitFor();
  });

  it('(b) a layout chosen in the framework reaches <live-core-view>', async () => {
    const { page } = opened();
    assert.equal(await page.evaluate(`document.querySelector('live-core-view').layout`), 'auto');
    await page.selectOption('[data-test="layout"]', 'fixed-grid');
    await page.waitForFunction(`(() => {
      const view = document.querySelector('live-core-view');
      return view.layout === 'fixed-grid' && view.matches(':state(fixed-grid)');
    })()`);
  });

  it("(c) the apply button's apply-request event reaches the framework's handler", async () => {
    const { page } = opened();
    assert.equal(await page.locator('[data-test="events"] li').count(), 0);
    await page.locator('apply-button [part~="button"]').click();
    await framework(page, 'events', 'apply-request (seat -1)');
  });

  it("(d) store changes re-render the framework's view: the application, then the seat", async () => {
    const { page, errors } = opened();
    // Ada's application is in the host's store: the framework lists it.
    await framework(page, 'applicants', 'Ada');
    await framework(page, 'applicant-count', 'Applicants: 1');
    await page.locator('applicant-list [part~="accept-button"]').click();
    await framework(page, 'applicant-count', 'Applicants: 0');
    await framework(page, 'seated', 'On seats: Hana, Ada');
    assert.deepEqual(errors, []);
  });
}
