#!/usr/bin/env node
/**
 * Fails (exit 1) when the committed custom-elements.json differs from what the analyzer produces now
 * from src/. Uses the same config as `npm run manifest`, and writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';

const root = new URL('../', import.meta.url);
const committedPath = new URL('custom-elements.json', root);

/** @type {string} */
let committed;
try {
  committed = await readFile(committedPath, 'utf8');
} catch {
  console.error('custom-elements.json is missing: run npm run manifest');
  process.exit(1);
}

const manifest = await cli({ argv: ['analyze', '--quiet'], cwd: root.pathname, noWrite: true });
// The same serialisation the analyzer writes to disk.
const fresh = `${JSON.stringify(manifest, null, 2)}\n`;

if (fresh !== committed) {
  console.error('custom-elements.json is stale: run npm run manifest (and commit the result)');
  process.exit(1);
}
console.log('custom-elements.json is up to date.');
