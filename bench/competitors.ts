/**
 * Gzip sizes of the UI packages of the kits users compare us with, measured the same way as ours:
 * one esbuild bundle (minified, ES2022, production) of everything the package's entry reaches,
 * with the UI framework and the vendor's realtime SDK left out (ours is measured without its
 * WebRTC part, with lit inside), JS and CSS output gzipped at level 9.
 *
 * `npm run bench:competitors` installs the packages from the registry into a scratch folder in
 * the system's temporary directory (`npm install --ignore-scripts`: no install script runs), measures
 * ours and theirs in the same run, writes the table into BENCHMARKS.md and removes the folder.
 * `npm run bench` (loopback only) never reaches the registry. With a folder prepared by hand:
 *
 *   node --import tsx bench/competitors.ts --dir <folder with node_modules> [--write]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { writeSection } from './benchmarks-md.js';

interface Subject {
  readonly name: string;
  /** Packages whose version is reported. */
  readonly packages: readonly string[];
  /** The module the bundle starts from (given the scratch folder). */
  readonly entry: string | ((dir: string) => string);
  /** Left out: the UI framework and the vendor's realtime SDK. */
  readonly external: readonly string[];
}

const SUBJECTS: readonly Subject[] = [
  {
    name: 'LiveKit components (core + React)',
    packages: ['@livekit/components-core', '@livekit/components-react'],
    entry: "export * from '@livekit/components-react';\nexport * from '@livekit/components-core';\n",
    external: ['react', 'react-dom', 'react/jsx-runtime', 'livekit-client', '@livekit/protocol'],
  },
  {
    name: 'LiveKit components-core alone (framework-free)',
    packages: ['@livekit/components-core'],
    entry: "export * from '@livekit/components-core';\n",
    external: ['livekit-client', '@livekit/protocol'],
  },
  {
    name: 'Cloudflare RealtimeKit UI (all components)',
    packages: ['@cloudflare/realtimekit-ui'],
    // Stencil's custom-elements build: one module per component, none re-exported by its index.
    entry: (dir) => {
      const base = '@cloudflare/realtimekit-ui/dist/components';
      const files = readdirSync(join(dir, 'node_modules', base)).filter((file) => /^[a-z].*\.js$/.test(file));
      return files.map((file, i) => `export * as c${i} from '${base}/${file}';\n`).join('');
    },
    external: ['@cloudflare/realtimekit'],
  },
  {
    name: 'Tencent TUILiveKit web (Vue 3)',
    packages: ['@tencentcloud/livekit-web-vue3'],
    entry: "export * from '@tencentcloud/livekit-web-vue3';\n",
    external: ['vue', 'pinia', '@tencentcloud/tuiroom-engine-js', '@tencentcloud/chat', 'trtc-sdk-v5'],
  },
];

/** What `--install` puts into the scratch folder: the subjects and the peers their entries import. */
const INSTALL = [
  '@livekit/components-core',
  '@livekit/components-react',
  'livekit-client',
  '@cloudflare/realtimekit-ui',
  '@tencentcloud/livekit-web-vue3',
  'react',
  'react-dom',
  'vue',
] as const;

/** A scratch folder in the temporary directory with the latest of `INSTALL` from the registry. */
async function install(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'competitors-'));
  await writeFile(join(dir, 'package.json'), '{ "name": "competitors", "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const flags = ['--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'];
  execFileSync(npm, ['install', ...flags, ...INSTALL], { cwd: dir, stdio: 'inherit' });
  return dir;
}

export interface CompetitorSize {
  readonly name: string;
  readonly versions: string;
  readonly gzip: number;
  readonly error?: string;
}

function version(dir: string, name: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    };
    return `${name}@${pkg.version}`;
  } catch {
    return `${name}@?`;
  }
}

async function measure(dir: string, subject: Subject): Promise<CompetitorSize> {
  const versions = subject.packages.map((name) => version(dir, name)).join(', ');
  const out = await mkdtemp(join(tmpdir(), 'competitor-'));
  try {
    const entry = join(dir, `.entry-${Math.random().toString(36).slice(2)}.js`);
    await writeFile(entry, typeof subject.entry === 'string' ? subject.entry : subject.entry(dir));
    try {
      await build({
        entryPoints: [entry],
        outdir: out,
        bundle: true,
        minify: true,
        format: 'esm',
        target: 'es2022',
        platform: 'browser',
        external: [...subject.external, ...subject.external.map((name) => `${name}/*`)],
        define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
        loader: {
          '.css': 'css',
          '.svg': 'dataurl',
          '.png': 'dataurl',
          '.woff': 'dataurl',
          '.woff2': 'dataurl',
        },
        logLevel: 'silent',
      });
    } finally {
      await rm(entry, { force: true });
    }
    let gzip = 0;
    for (const file of await readdir(out)) {
      if (!/\.(js|css)$/.test(file)) continue;
      gzip += gzipSync(await readFile(join(out, file)), { level: 9 }).length;
    }
    return { name: subject.name, versions, gzip };
  } catch (error) {
    return {
      name: subject.name,
      versions,
      gzip: Number.NaN,
      error: error instanceof Error ? error.message.split('\n')[0] : String(error),
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** Ours, the same way: the files `co-guest-kit.js` loads at once (WebRTC chunk excluded). */
async function ours(): Promise<CompetitorSize> {
  const out = await mkdtemp(join(tmpdir(), 'co-guest-kit-'));
  try {
    // @ts-expect-error -- a plain .mjs build script without type declarations
    const { bundle } = (await import('../scripts/bundle.mjs')) as {
      bundle: (options: { outDir: string }) => Promise<{ files: { file: string; eager: boolean }[] }>;
    };
    const { files } = await bundle({ outDir: out });
    let gzip = 0;
    for (const file of files) {
      if (!file.eager || file.file.includes('core')) continue;
      gzip += gzipSync(await readFile(join(out, file.file)), { level: 9 }).length;
    }
    const pkg = JSON.parse(
      readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8'),
    ) as {
      version: string;
    };
    return {
      name: 'co-guest-kit (all elements + core, lit, nanostores)',
      versions: `co-guest-kit@${pkg.version}`,
      gzip,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export function competitorTable(rows: readonly CompetitorSize[]): string {
  return [
    '| kit | packages | gzip |',
    '| --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.versions} | ${row.error ? `not measured: ${row.error}` : `${(row.gzip / 1024).toFixed(1)} KiB`} |`,
    ),
  ].join('\n');
}

const START = '<!-- bench:competitors:start -->';
const END = '<!-- bench:competitors:end -->';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const dirIndex = argv.indexOf('--dir');
  const given = dirIndex >= 0 ? argv[dirIndex + 1] : undefined;
  const scratch = argv.includes('--install');
  if (given === undefined && !scratch) {
    throw new Error(
      'usage: node --import tsx bench/competitors.ts (--install | --dir <folder with node_modules>) [--write]',
    );
  }
  const dir = given ?? (await install());
  try {
    const rows = [await ours()];
    for (const subject of SUBJECTS) rows.push(await measure(dir, subject));
    const table = competitorTable(rows);
    console.log(table);
    if (argv.includes('--write')) {
      await writeSection(START, END, `Measured ${new Date().toISOString().slice(0, 10)}.\n\n${table}`);
    }
  } finally {
    if (given === undefined) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
