#!/usr/bin/env node
// @ts-check
/**
 * `npm run janus`: a local Janus for development, with the project's configuration (janus/) filled
 * in into a throwaway folder, on loopback. Prints the WebSocket URL and the environment the kit
 * server reads; Ctrl-C stops Janus and removes the folder.
 *
 *   npm run janus -- [--port 8188] [--ice-interface eth0] [--nat-1-1 203.0.113.7]
 *                    [--rtp-port-range 20000-40000] [--debug-level 4] [--log-file janus.log]
 *
 * The token secret and admin key are `$CO_GUEST_JANUS_TOKEN_SECRET` and `$CO_GUEST_JANUS_ADMIN_KEY`
 * when set (so a restarted Janus matches a running kit server), otherwise generated.
 */
import { parseArgs } from 'node:util';
import { startJanus } from './janus-process.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8188' },
    'ice-interface': { type: 'string' },
    'nat-1-1': { type: 'string' },
    'rtp-port-range': { type: 'string' },
    'debug-level': { type: 'string', default: '4' },
    'log-file': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run janus -- [--port 8188] [--ice-interface <if>] [--nat-1-1 <public ip>]
                      [--rtp-port-range <min-max>] [--debug-level 0..7] [--log-file <path>] [--quiet]`);
  process.exit(0);
}

/** @type {import('./janus-process.d.mts').StartJanusOptions} */
const options = {
  port: Number(values.port),
  debugLevel: Number(values['debug-level']),
  onLog: values.quiet ? undefined : (line) => console.log(`[janus] ${line}`),
};
if (values['ice-interface']) options.iceInterface = values['ice-interface'];
if (values['nat-1-1']) options.natMapping = values['nat-1-1'];
if (values['rtp-port-range']) options.rtpPortRange = values['rtp-port-range'];
if (values['log-file']) options.logFile = values['log-file'];
if (process.env.CO_GUEST_JANUS_TOKEN_SECRET) options.tokenSecret = process.env.CO_GUEST_JANUS_TOKEN_SECRET;
if (process.env.CO_GUEST_JANUS_ADMIN_KEY) options.adminKey = process.env.CO_GUEST_JANUS_ADMIN_KEY;

let janus;
try {
  janus = await startJanus(options);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

console.log(`
Janus ${janus.version} is up at ${janus.url} (pid ${janus.pid}, configuration in ${janus.dir}).
Only the kit server should connect to it. Start the kit server with:

  export CO_GUEST_JANUS_URL=${janus.url}
  export CO_GUEST_JANUS_TOKEN_SECRET=${janus.secrets.tokenSecret}
  export CO_GUEST_JANUS_ADMIN_KEY=${janus.secrets.adminKey}

Ctrl-C stops Janus.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await janus.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
void janus.exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`Janus exited (${signal ?? `code ${code}`}).`);
  process.exit(1);
});
