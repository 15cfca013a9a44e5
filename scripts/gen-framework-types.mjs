#!/usr/bin/env node
/**
 * Writes the framework typings of the package from custom-elements.json, next to the build output:
 *
 * - `dist/frameworks/vue.d.ts`: Vue's `GlobalComponents`, one entry per tag. Props are the element's
 *   settable properties and attributes; events are `on…` props (`@seat-apply-request` checks against
 *   `onSeatApplyRequest`), each typed with the kit's event class.
 * - `dist/frameworks/react.d.ts`: React 19's `JSX.IntrinsicElements`. React 19 sets a prop as a
 *   property when the element has one (`session`, `liveId`, `layout`) and as an attribute otherwise
 *   (`live-id`); it adds a listener for a prop `on<name>` with the event's exact name, so the
 *   handlers are `onseat-apply-request` (ADR 18).
 * - `dist/frameworks/{vue,react}.js`: empty modules, so `import 'co-guest-kit/vue'` also works at
 *   run time.
 *
 * Property types are read from the element classes (`LiveCoreView['layout']`): the manifest names
 * the members, the declarations give their exact types. Run after `tsc` (the typings import
 * `../index.js`); `npm run build` runs it, so the typings always match the manifest they ship with.
 *
 * Usage: node scripts/gen-framework-types.mjs [--out <dir>]   (default: dist/frameworks)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = resolve(root, outFlag === -1 ? 'dist/frameworks' : (process.argv[outFlag + 1] ?? ''));

/**
 * @typedef {{ name: string, type?: { text: string }, description?: string, fieldName?: string }} Attribute
 * @typedef {{ kind: string, name: string, static?: boolean, readonly?: boolean, privacy?: string, description?: string, type?: { text: string } }} Member
 * @typedef {{ name?: string, type?: { text: string }, description?: string }} ManifestEvent
 * @typedef {{ name: string, tagName?: string, customElement?: boolean, summary?: string, attributes?: Attribute[], members?: Member[], events?: ManifestEvent[] }} Declaration
 * @typedef {{ name: string, key: string, description: string }} Prop
 * @typedef {{ name: string, type: string, description: string }} Handler
 * @typedef {{ tag: string, className: string, summary: string, properties: Prop[], attributes: Prop[], events: Handler[] }} Element
 */

/** A JSDoc block (or nothing), safe to embed. @param {string} text @param {string} indent */
function doc(text, indent) {
  const clean = text
    .replace(/\*\//g, '*\\/')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return clean === '' ? '' : `${indent}/** ${clean} */\n`;
}

/** `seat-apply-request` → `SeatApplyRequest`. @param {string} name */
const pascal = (name) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** `seat-index` → `seatIndex`. @param {string} name */
const camel = (name) => name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/** A property key, quoted when it is not an identifier. @param {string} key */
const key = (key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`);

/** The elements of the manifest, sorted by tag. @param {{ modules: { declarations?: Declaration[] }[] }} manifest @returns {Element[]} */
function elementsOf(manifest) {
  /** @type {Element[]} */
  const elements = [];
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      if (!declaration.customElement || !declaration.tagName) continue;
      const properties = (declaration.members ?? [])
        .filter(
          (member) =>
            member.kind === 'field' &&
            !member.static &&
            !member.readonly &&
            member.privacy === undefined &&
            !member.name.startsWith('#'),
        )
        .map((member) => ({ name: member.name, key: member.name, description: member.description ?? '' }));
      const attributes = (declaration.attributes ?? [])
        .filter((attribute) => attribute.fieldName !== undefined)
        .map((attribute) => ({
          name: attribute.name,
          key: /** @type {string} */ (attribute.fieldName),
          description: attribute.description ?? '',
        }));
      /** @type {Map<string, Handler>} */
      const events = new Map();
      for (const event of declaration.events ?? []) {
        if (!event.name || events.has(event.name)) continue;
        events.set(event.name, {
          name: event.name,
          type: event.type?.text ?? 'Event',
          description: event.description ?? '',
        });
      }
      elements.push({
        tag: declaration.tagName,
        className: declaration.name,
        summary: declaration.summary ?? '',
        properties,
        attributes,
        events: [...events.values()].sort((a, b) => a.name.localeCompare(b.name)),
      });
    }
  }
  return elements.sort((a, b) => a.tag.localeCompare(b.tag));
}

/** The kit's type for an event class named in the manifest. @param {string} type */
const eventType = (type) => (/^[A-Z]\w*$/.test(type) && type !== 'Event' ? `Kit.${type}` : 'Event');

const HEADER = `// Generated by scripts/gen-framework-types.mjs from custom-elements.json. Do not edit.\n`;

/** Vue: `GlobalComponents`. @param {Element[]} elements */
function vueTypings(elements) {
  let body = `${HEADER}import type { DefineComponent } from 'vue';\nimport type * as Kit from '../index.js';\n\n`;
  for (const element of elements) {
    const name = `${element.className}VueProps`;
    body += doc(`Props and events of \`<${element.tag}>\` in Vue templates.`, '');
    body += `export interface ${name} {\n`;
    /** @type {Set<string>} */
    const seen = new Set();
    for (const prop of [...element.properties, ...element.attributes]) {
      // Vue matches `live-id` and `liveId` to one prop.
      const prop_ = camel(prop.name);
      if (seen.has(prop_)) continue;
      seen.add(prop_);
      body += doc(prop.description, '  ');
      body += `  ${key(prop_)}?: Kit.${element.className}['${prop.key}'];\n`;
    }
    for (const event of element.events) {
      body += doc(`\`${event.name}\`: ${event.description}`, '  ');
      body += `  ${key(`on${pascal(event.name)}`)}?: (event: ${eventType(event.type)}) => void;\n`;
    }
    body += `}\n\n`;
  }
  body += `declare module 'vue' {\n  interface GlobalComponents {\n`;
  for (const element of elements) {
    body += doc(element.summary, '    ');
    body += `    '${element.tag}': DefineComponent<${element.className}VueProps>;\n`;
  }
  body += `  }\n}\n`;
  return body;
}

/** React 19: `JSX.IntrinsicElements`. @param {Element[]} elements */
function reactTypings(elements) {
  let body = `${HEADER}import type { DetailedHTMLProps, HTMLAttributes } from 'react';\nimport type * as Kit from '../index.js';\n\n`;
  for (const element of elements) {
    const name = `${element.className}ReactProps`;
    body += doc(
      `Props of \`<${element.tag}>\` in React 19: properties (set as properties), attributes, and \`on<event-name>\` listeners.`,
      '',
    );
    body += `export interface ${name} {\n`;
    /** @type {Set<string>} */
    const seen = new Set();
    for (const prop of [...element.properties, ...element.attributes]) {
      if (seen.has(prop.name)) continue;
      seen.add(prop.name);
      body += doc(prop.description, '  ');
      body += `  ${key(prop.name)}?: Kit.${element.className}['${prop.key}'];\n`;
    }
    for (const event of element.events) {
      body += doc(`\`${event.name}\`: ${event.description}`, '  ');
      body += `  ${key(`on${event.name}`)}?: (event: ${eventType(event.type)}) => void;\n`;
    }
    body += `}\n\n`;
  }
  body += `/** The element's own props win over React's HTML attributes of the same name. */\n`;
  body += `type Intrinsic<E extends HTMLElement, P> = Omit<DetailedHTMLProps<HTMLAttributes<E>, E>, keyof P> & P;\n\n`;
  body += `declare module 'react' {\n  namespace JSX {\n    interface IntrinsicElements {\n`;
  for (const element of elements) {
    body += doc(element.summary, '      ');
    body += `      '${element.tag}': Intrinsic<Kit.${element.className}, ${element.className}ReactProps>;\n`;
  }
  body += `    }\n  }\n}\n`;
  return body;
}

const RUNTIME = `// Generated by scripts/gen-framework-types.mjs: the typings are in the .d.ts next to this file.\nexport {};\n`;

const manifest = JSON.parse(await readFile(resolve(root, 'custom-elements.json'), 'utf8'));
const elements = elementsOf(manifest);
await mkdir(out, { recursive: true });
await Promise.all([
  writeFile(resolve(out, 'vue.d.ts'), vueTypings(elements)),
  writeFile(resolve(out, 'react.d.ts'), reactTypings(elements)),
  writeFile(resolve(out, 'vue.js'), RUNTIME),
  writeFile(resolve(out, 'react.js'), RUNTIME),
]);
