/**
 * examples/angular as a user gets it: the packed kit installed offline into a copy of the example,
 * compiled ahead of time by ngc with full template type-checking (`strictTemplates`), bundled by
 * esbuild with Angular's linker (the example's build.mjs), and run in Chromium on loopback.
 *
 * Run (WebRTC: loopback-only namespace):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/frameworks/angular.test.ts'`
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, it } from 'node:test';
import { frameworkContract } from './contract.js';
import { bin, must, useExample } from './helpers.js';

/**
 * Two components that misuse the tags: one without CUSTOM_ELEMENTS_SCHEMA, one whose handler takes
 * a MouseEvent where the kit's `apply-request` event is an `ApplyRequestEvent`.
 */
const WRONG_USAGE = `import { Component, CUSTOM_ELEMENTS_SCHEMA } from '@angular/core';
import 'co-guest-kit';

@Component({ selector: 'app-no-schema', template: '<apply-button></apply-button>' })
export class NoSchemaComponent {}

@Component({
  selector: 'app-wrong-event',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: '<apply-button (apply-request)="onClick($event)"></apply-button>',
})
export class WrongEventComponent {
  onClick(event: MouseEvent): number {
    return event.clientX;
  }
}
`;

describe('examples/angular with the packed kit, compiled ahead of time', { timeout: 600_000 }, () => {
  const example = useExample('angular', (app) =>
    must(process.execPath, [join(example.app, 'build.mjs')], app),
  );

  it("is compiled ahead of time: ngc's components, Angular's packages linked, production mode", async () => {
    const compiled = await readFile(join(example.app, 'dist', 'ngc', 'app.component.js'), 'utf8');
    assert.match(compiled, /ɵɵdefineComponent/, 'ngc compiled the template');
    const bundles = (await readdir(join(example.app, 'dist'))).filter((file) => file.endsWith('.js'));
    assert.ok(bundles.includes('main.js'));
    for (const file of bundles) {
      const code = await readFile(join(example.app, 'dist', file), 'utf8');
      assert.equal(code.includes('ɵɵngDeclare'), false, `${file} holds no declaration left for JIT`);
    }
    assert.equal(
      await example.page.evaluate('typeof window.ng'),
      'undefined',
      'no development-mode debug API',
    );
  });

  it('fails ngc (strictTemplates) on a tag without the schema and a handler of the wrong event type', async () => {
    await writeFile(join(example.app, 'src', 'wrong-usage.component.ts'), WRONG_USAGE);
    await writeFile(
      join(example.app, 'tsconfig.wrong.json'),
      JSON.stringify({
        extends: './tsconfig.json',
        compilerOptions: { outDir: 'dist/wrong' },
        files: ['src/wrong-usage.component.ts'],
      }),
    );
    const { code, output } = await bin(example.app, '@angular/compiler-cli/bundles/src/bin/ngc.js', [
      '-p',
      'tsconfig.wrong.json',
    ]);
    assert.notEqual(code, 0, 'ngc rejects the misuse');
    // ngc's diagnostics: `file:line:column - error CODE: message`, coloured.
    const found = stripVTControlCharacters(output).match(/^\S+:\d+:\d+ - error (?:TS|NG)\d+: .*$/gm) ?? [];
    assert.equal(found.length, 2, output);
    const file = 'src/wrong-usage.component.ts';
    assert.ok(
      found.some(
        (line) =>
          line.startsWith(`${file}:4:`) && line.includes("NG8001: 'apply-button' is not a known element"),
      ),
      output,
    );
    assert.ok(
      found.some(
        (line) =>
          line.startsWith(`${file}:10:`) &&
          line.includes(
            "TS2345: Argument of type 'ApplyRequestEvent' is not assignable to parameter of type 'MouseEvent'",
          ),
      ),
      output,
    );
  });

  frameworkContract(() => example);
});
