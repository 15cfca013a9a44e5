/**
 * The autoloader end to end: `dist/browser/autoloader.js` as `scripts/bundle.mjs` builds it, on two
 * pages made of tags (test/e2e/fixtures/autoloader-*.html) served by the real server in dev mode
 * (`staticDir`: the repository). A host page opens a live, an audience page joins it; each page
 * fetches the autoloader and the files its tags need, as `elements/manifest.json` lists them (the
 * lists the size budgets count, scripts/size-checks.mjs), and no other tag's module. Tags added
 * later, in the document or in a kit element's shadow root, are registered; other tags are not.
 *
 * Run (the media start on loopback, as in the other end-to-end tests):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test test/e2e/autoloader.test.ts'`
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ServerHandle } from '../../src/server/server.js';
import {
  assertLoopbackOnly,
  launchBrowser,
  newUserContext,
  ROOT,
  waitFor,
  type UserContext,
} from './harness.js';
// @ts-expect-error -- a plain .mjs module without type declarations
import { PAGES as pages } from '../../scripts/size-checks.mjs';

const run = promisify(execFile);
const PAGES = pages as { readonly audience: readonly string[]; readonly host: readonly string[] };

interface Manifest {
  readonly autoloader: string;
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

/** Records the scripts `page` fetches from `dist/browser/`, as paths from that folder. */
function recordScripts(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    const at = path.indexOf('/dist/browser/');
    if (at >= 0 && path.endsWith('.js')) fetched.push(path.slice(at + '/dist/browser/'.length));
  });
  return fetched;
}

/** The files a page holding `tags` fetches by the manifest: the autoloader and each tag's list. */
function expectedFiles(manifest: Manifest, tags: readonly string[]): string[] {
  const files = new Set([manifest.autoloader]);
  for (const tag of tags) for (const file of manifest.tags[tag] ?? []) files.add(file);
  return [...files].sort();
}

/** Whether every element of each tag is defined and upgraded (it has its shadow root). */
function upgraded(page: Page, tags: readonly string[]): Promise<boolean> {
  return page.evaluate(
    (names) =>
      names.every((name) => {
        const found = Array.from(document.querySelectorAll(name));
        return (
          found.length > 0 &&
          customElements.get(name) !== undefined &&
          found.every((element) => element.matches(':defined') && element.shadowRoot !== null)
        );
      }),
    [...tags],
  );
}

describe('the autoloader', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let base: string;
  let browser: Browser;
  let manifest: Manifest;
  let host: UserContext;
  let guest: UserContext;
  const live = `autoload-${Date.now().toString(36)}`;

  before(async () => {
    assertLoopbackOnly();
    await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT });
    manifest = JSON.parse(
      await readFile(join(ROOT, 'dist/browser/elements/manifest.json'), 'utf8'),
    ) as Manifest;
    server = await createServer({ dev: true, host: '127.0.0.1', port: 0, staticDir: ROOT });
    base = `${server.url.replace(/^ws:/, 'http:').replace(/\/ws$/, '')}/test/e2e/fixtures/`;
    browser = await launchBrowser();
    host = await newUserContext(browser);
    guest = await newUserContext(browser);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a host page fetches its tags' files, and <seat-menu> once the view renders it", async () => {
    const fetched = recordScripts(host.page);
    await host.page.goto(`${base}autoloader-host.html?live=${live}&user=hana&name=Hana`);
    await host.page.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });
    // The view renders the host's seat menu in its shadow root; the autoloader registers it there.
    await waitFor(
      () =>
        host.page.evaluate(() =>
          Array.from(
            document.querySelector('live-core-view')?.shadowRoot?.querySelectorAll('seat-menu') ?? [],
          ).some((menu) => menu.matches(':defined')),
        ),
      'a registered <seat-menu> in the view',
    );
    const placed = PAGES.host.filter((tag) => tag !== 'seat-menu');
    await waitFor(() => upgraded(host.page, placed), 'every tag of the page upgraded');
    const tagFiles = new Set(Object.values(manifest.tags).flat());
    const expected = expectedFiles(manifest, PAGES.host);
    assert.deepEqual(
      [...new Set(fetched)].filter((file) => file === manifest.autoloader || tagFiles.has(file)).sort(),
      expected,
      'the autoloader and the files of the host tags, no other tag',
    );
  });

  it('an audience page fetches the files of its five tags and no other, and every tag upgrades', async () => {
    const fetched = recordScripts(guest.page);
    await guest.page.goto(`${base}autoloader-audience.html?live=${live}&user=ada&name=Ada`);
    await guest.page.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });
    await waitFor(() => upgraded(guest.page, PAGES.audience), 'every tag of the page upgraded');
    // The host's seat is on the stage: the view and its tiles work.
    await waitFor(
      () =>
        guest.page.evaluate(
          () =>
            document.querySelector('live-core-view')?.shadowRoot?.querySelectorAll('guest-seat-tile')
              .length ?? 0,
        ),
      "the host's tile on the audience's stage",
    );
    const tagFiles = new Set(Object.values(manifest.tags).flat());
    const expected = expectedFiles(manifest, PAGES.audience);
    const unique = [...new Set(fetched)].sort();
    assert.deepEqual(
      unique.filter((file) => file === manifest.autoloader || tagFiles.has(file)),
      expected,
      'the autoloader and the files of the five tags, nothing of another tag (the seat menu is a host’s)',
    );
    // Anything else is a lazy part the page uses once it is in the live (a live's media, WebRTC),
    // never another element's module.
    const lazy = unique.filter((file) => !expected.includes(file));
    for (const file of lazy) {
      const tag = Object.keys(manifest.tags).find((name) => file.startsWith(`elements/${name}-`));
      assert.equal(tag, undefined, `${file} is a lazy part, not an element's module`);
    }
    assert.equal(
      await guest.page.evaluate(() => customElements.get('foo-bar') === undefined),
      true,
      '<foo-bar> is not the kit’s: left alone',
    );
  });

  it('an audience page fetches the invitation card with the first invitation, and shows it', async () => {
    const fetched = recordScripts(guest.page);
    const cardPart = () =>
      guest.page.evaluate(
        () =>
          document.querySelector('invitation-prompt')?.shadowRoot?.querySelector('[part~="card"]') != null,
      );
    assert.equal(await cardPart(), false, 'no card before an invitation');
    const invited = await host.page.evaluate(async (liveId) => {
      type Invite = (options: { inviteeId: string; timeout: number }) => Promise<{ isSuccess: boolean }>;
      const element = document.querySelector('live-session') as unknown as {
        session: { coGuestStore(id: string): { inviteToSeat: Invite } } | null;
      } | null;
      const result = await element?.session
        ?.coGuestStore(liveId)
        .inviteToSeat({ inviteeId: 'ada', timeout: 60 });
      return result?.isSuccess === true;
    }, live);
    assert.ok(invited, 'the host invites Ada');
    // (Attached, not visible: the element's own box is empty, its card is in the top layer.)
    await guest.page.locator('invitation-prompt:state(open)').waitFor({ state: 'attached', timeout: 30_000 });
    await guest.page.locator('invitation-prompt [part~="accept-button"]').waitFor({ state: 'visible' });
    const cards = fetched.filter((file) => /^elements\/invitation-card-[^/]+\.js$/.test(file));
    assert.equal(cards.length, 1, `the card's file fetched with the invitation (${fetched.join(', ')})`);
    await guest.page.locator('invitation-prompt [part~="decline-button"]').click();
    await guest.page.locator('invitation-prompt:state(open)').waitFor({ state: 'detached' });
  });

  it('registers tags added later, in the document and in a kit element’s shadow root; ignores others', async () => {
    const fetched = recordScripts(guest.page);
    await guest.page.evaluate(() => {
      const toggle = document.createElement('device-toggle');
      toggle.setAttribute('device', 'camera');
      document.querySelector('live-session')?.append(toggle);
      const view = document.querySelector('live-core-view');
      view?.shadowRoot?.append(document.createElement('camera-switch'));
      document.body.append(document.createElement('bar-baz'));
    });
    await waitFor(() => upgraded(guest.page, ['device-toggle']), 'the added <device-toggle> upgraded');
    await waitFor(
      () =>
        guest.page.evaluate(() => {
          const added = document.querySelector('live-core-view')?.shadowRoot?.querySelector('camera-switch');
          return added?.matches(':defined') === true && added.shadowRoot !== null;
        }),
      'the <camera-switch> added in the view’s shadow root upgraded',
    );
    for (const tag of ['device-toggle', 'camera-switch']) {
      const own = manifest.tags[tag]?.find((file) => file.startsWith(`elements/${tag}-`));
      assert.ok(own !== undefined && fetched.includes(own), `<${tag}>'s module fetched on sight`);
    }
    assert.deepEqual(
      await guest.page.evaluate(() => [customElements.get('foo-bar'), customElements.get('bar-baz')]),
      [undefined, undefined],
    );
    assert.ok(!fetched.some((file) => /foo-bar|bar-baz/.test(file)), 'nothing fetched for unknown tags');
    assert.deepEqual(host.problems, [], 'no console errors or warnings at the host');
    assert.deepEqual(guest.problems, [], 'no console errors or warnings at the audience');
  });
});
