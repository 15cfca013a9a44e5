#!/usr/bin/env node
/**
 * Fails (exit 1) when the committed custom-elements.json differs from what the analyzer produces now
 * from src/ (uses the same config as `npm run manifest`, and writes nothing), or when an element's
 * public surface is not documented: every attribute, public property, slot, part, CSS property,
 * custom state and event needs a description, and every element a summary; or when it does not
 * pass the official schema, or names a module the package does not ship (scripts/manifest-schema.mjs).
 */
import { readFile } from 'node:fs/promises';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';
import { manifestProblems } from './manifest-schema.mjs';

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
/**
 * What is undocumented in a manifest: `<tag> <kind> <name>` for each item without a description.
 * @param {any} data a custom elements manifest
 * @returns {string[]}
 */
export function undocumented(data) {
  /** @type {string[]} */
  const missing = [];
  /** @param {unknown} text */
  const blank = (text) => typeof text !== 'string' || text.trim() === '';
  for (const module of data.modules ?? []) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement) continue;
      const tag = `<${declaration.tagName}>`;
      if (blank(declaration.summary)) missing.push(`${tag} summary`);
      if (blank(declaration.description)) missing.push(`${tag} description`);
      const lists = {
        attribute: declaration.attributes,
        slot: declaration.slots,
        part: declaration.cssParts,
        'css property': declaration.cssProperties,
        'custom state': declaration.cssStates,
        event: declaration.events,
        property: (declaration.members ?? []).filter(
          (/** @type {any} */ member) =>
            member.kind === 'field' &&
            !member.static &&
            member.privacy === undefined &&
            !member.name.startsWith('#'),
        ),
      };
      for (const [kind, items] of Object.entries(lists)) {
        for (const item of items ?? []) {
          if (blank(item.description)) missing.push(`${tag} ${kind} ${item.name || '(default)'}`);
        }
      }
    }
  }
  return missing;
}

const problems = manifestProblems(JSON.parse(committed));
if (problems.length > 0) {
  console.error(`custom-elements.json does not pass the schema:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

const missing = undocumented(manifest);
if (missing.length > 0) {
  console.error(`custom-elements.json: undocumented public surface:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('custom-elements.json is up to date, passes the schema and documents every element completely.');
