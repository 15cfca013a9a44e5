#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo:sfu`: the demo with its media through Janus (the SFU mode) in one command. Starts a
 * local Janus with the project's configuration (scripts/janus-process.mjs, generated secrets), then
 * the kit server in dev mode on the built demo with `--janus`, the secrets passed in its
 * environment; stops Janus when the server stops (Ctrl-C). Arguments go to `co-guest-kit serve`.
 *
 *   npm run demo:sfu -- [--port 8787] [--host 127.0.0.1]
 *
 * Janus gathers ICE candidates on the machine's interfaces (`JANUS_ICE_INTERFACE` names the one to
 * use); a machine with only a loopback interface gives it none (docs/deployment.md, "Janus").
 */
import { spawn } from 'node:child_process';
import { startJanus } from './janus-process.mjs';

/** @type {import('./janus-process.d.mts').StartJanusOptions} */
const options = {};
if (process.env.JANUS_ICE_INTERFACE) options.iceInterface = process.env.JANUS_ICE_INTERFACE;

let janus;
try {
  janus = await startJanus(options);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
console.log(`[demo:sfu] Janus ${janus.version} at ${janus.url} (pid ${janus.pid})`);

const server = spawn(
  process.execPath,
  [
    'dist/server/cli.js',
    'serve',
    '--dev',
    '--static',
    'dist/demo',
    '--janus',
    janus.url,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      CO_GUEST_JANUS_TOKEN_SECRET: janus.secrets.tokenSecret,
      CO_GUEST_JANUS_ADMIN_KEY: janus.secrets.adminKey,
    },
  },
);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => server.kill(signal));
}
server.on('exit', (code, signal) => {
  void janus.stop().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
