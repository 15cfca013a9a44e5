#!/usr/bin/env node
/**
 * `co-guest-kit`: runs the signaling server or mints a token. The only module that reads
 * `process.env` or installs signal handlers.
 */
import { parseArgs } from 'node:util';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { isRedisUrl, redacted } from './cluster/redis.js';
import { createServer, DEFAULT_HOST, DEFAULT_PORT, type ServerHandle } from './server.js';
import { createToken, DEFAULT_TOKEN_EXPIRES_IN } from './token.js';

const HELP = `co-guest-kit: guest connection for live streaming

Usage:
  co-guest-kit serve [--port N] [--host H] [--dev] [--static DIR] [--origin O]...
                     [--allowed-host H]... [--trusted-proxy ADDR]... [--janus URL]...
                     [--redis URL [--node-id ID]]
      Runs the signaling server. The token secret comes from CO_GUEST_SECRET
      (required unless --dev). PORT may set the port (--port wins).
        --port N      TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
        --host H      interface to bind (default ${DEFAULT_HOST})
        --dev         dev mode: GET /dev/token mints tokens for anyone (local use only);
                      without CO_GUEST_SECRET a random secret is used for this run
        --static DIR  also serve the files of DIR (GET/HEAD; / gives DIR/index.html)
        --origin O    an origin whose pages may connect, e.g. https://app.example.com;
                      repeat for more ("*" allows any). Default: the server's own
                      origin, loopback origins (http://localhost:5173…) and clients
                      without Origin; a list replaces the loopback ones. Wins over
                      CO_GUEST_ORIGINS.
        --allowed-host H
                      a host name the server answers to, e.g. live.example.com
                      (.example.com: and its subdomains; "*": any); repeat for more.
                      Always answered: localhost, IP addresses, the --host name.
                      Needed behind a proxy that passes Host on. Wins over
                      CO_GUEST_ALLOWED_HOSTS.
        --trusted-proxy ADDR
                      a proxy (address or subnet, e.g. 127.0.0.1 or 10.0.0.0/8)
                      whose X-Forwarded-For names the client's address for the
                      per-address limits; repeat for more. Default: none. Wins over
                      CO_GUEST_TRUSTED_PROXIES.
        --janus URL   SFU mode: media goes through the Janus VideoRoom at URL (its
                      WebSocket API, e.g. ws://127.0.0.1:8188); repeat for more
                      instances (each live goes to the least loaded). Its secrets come
                      from CO_GUEST_JANUS_TOKEN_SECRET, CO_GUEST_JANUS_ADMIN_KEY and
                      CO_GUEST_JANUS_API_SECRET. Default: none, media as a peer mesh.
                      Wins over CO_GUEST_JANUS_URL.
        --redis URL   run as one process of a cluster on Redis, e.g.
                      redis://127.0.0.1:6379 (rediss:// for TLS): start as many
                      processes as you like with the same URL, each on its own port,
                      behind one load balancer. Needs the ioredis package. Default:
                      none, the server runs alone. Wins over CO_GUEST_REDIS_URL.
        --node-id ID  this process's name in the cluster (letters, digits, . _ -;
                      default: host name, pid and a random suffix). Wins over
                      CO_GUEST_NODE_ID.

  co-guest-kit token --user-id ID --user-name NAME [--avatar-url URL] [--expires-in 12h]
      Prints a signed token for a user (needs CO_GUEST_SECRET).
        --expires-in  seconds or a time span like 30m, 12h, 7d (default ${DEFAULT_TOKEN_EXPIRES_IN})

  co-guest-kit --help
      Shows this help.

Environment:
  CO_GUEST_SECRET   HS256 secret shared by the server and whoever mints tokens
  PORT              port for serve when --port is not given
  CO_GUEST_ORIGINS  comma-separated origins for serve when no --origin is given
  CO_GUEST_ALLOWED_HOSTS    comma-separated host names when no --allowed-host is given
  CO_GUEST_TRUSTED_PROXIES  comma-separated proxies when no --trusted-proxy is given
  CO_GUEST_JANUS_URL  comma-separated Janus URLs when no --janus is given (SFU mode)
  CO_GUEST_JANUS_TOKEN_SECRET  Janus's token_auth_secret (the server signs its tokens)
  CO_GUEST_JANUS_ADMIN_KEY     the VideoRoom admin_key (needed to create rooms)
  CO_GUEST_JANUS_API_SECRET    Janus's api_secret, if it has one
  CO_GUEST_REDIS_URL  the cluster's Redis URL when no --redis is given
  CO_GUEST_NODE_ID    this process's node id when no --node-id is given
`;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const io: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** The entries of a comma-separated variable, trimmed, empty ones left out. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** A variable's value, or `undefined` when it is unset or empty. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function parsePort(value: string | undefined): number | null {
  if (value === undefined || value === '') return DEFAULT_PORT;
  if (!/^\d+$/.test(value)) return null;
  const port = Number(value);
  return port <= 65_535 ? port : null;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      dev: { type: 'boolean', default: false },
      static: { type: 'string' },
      origin: { type: 'string', multiple: true },
      'allowed-host': { type: 'string', multiple: true },
      'trusted-proxy': { type: 'string', multiple: true },
      janus: { type: 'string', multiple: true },
      redis: { type: 'string' },
      'node-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const port = parsePort(values.port ?? process.env.PORT);
  if (port === null) {
    io.err('error: the port must be an integer in 0..65535');
    return 1;
  }
  const secret = process.env.CO_GUEST_SECRET ?? '';
  const dev = values.dev === true;
  if (!dev && secret === '') {
    io.err(
      'error: CO_GUEST_SECRET is not set.\n' +
        '  Set it to a long random string shared with whatever mints your tokens, e.g.\n' +
        '    CO_GUEST_SECRET="$(openssl rand -base64 32)" co-guest-kit serve\n' +
        '  or run `co-guest-kit serve --dev` for local development only.',
    );
    return 1;
  }
  const allowedOrigins = values.origin ?? listOf(process.env.CO_GUEST_ORIGINS);
  const allowedHosts = values['allowed-host'] ?? listOf(process.env.CO_GUEST_ALLOWED_HOSTS);
  const trustedProxies = values['trusted-proxy'] ?? listOf(process.env.CO_GUEST_TRUSTED_PROXIES);
  const janus = values.janus ?? listOf(process.env.CO_GUEST_JANUS_URL);
  const env = process.env;
  const redis = values.redis ?? nonEmpty(env.CO_GUEST_REDIS_URL);
  const nodeId = values['node-id'] ?? nonEmpty(env.CO_GUEST_NODE_ID);
  if (redis !== undefined && !isRedisUrl(redis)) {
    io.err(
      `error: --redis (or CO_GUEST_REDIS_URL) must be a Redis URL like redis://127.0.0.1:6379, not ${JSON.stringify(redacted(redis))}`,
    );
    return 1;
  }
  if (redis === undefined && nodeId !== undefined) {
    io.err('error: --node-id (or CO_GUEST_NODE_ID) names a process of a cluster: give --redis too');
    return 1;
  }
  const handle = await createServer({
    ...(janus.length === 0
      ? {}
      : {
          media: {
            mode: 'sfu',
            janus,
            ...(env.CO_GUEST_JANUS_TOKEN_SECRET ? { tokenSecret: env.CO_GUEST_JANUS_TOKEN_SECRET } : {}),
            ...(env.CO_GUEST_JANUS_ADMIN_KEY ? { adminKey: env.CO_GUEST_JANUS_ADMIN_KEY } : {}),
            ...(env.CO_GUEST_JANUS_API_SECRET ? { apiSecret: env.CO_GUEST_JANUS_API_SECRET } : {}),
          },
        }),
    port,
    host: values.host ?? DEFAULT_HOST,
    dev,
    allowedOrigins,
    allowedHosts,
    trustedProxies,
    ...(values.static === undefined ? {} : { staticDir: values.static }),
    ...(secret === '' ? {} : { secret }),
    ...(redis === undefined ? {} : { cluster: { redis, ...(nodeId === undefined ? {} : { nodeId }) } }),
    logger: {
      info: (message) => io.out(`[co-guest-kit] ${message}`),
      warn: (message) => io.err(`[co-guest-kit] ${message}`),
    },
  });
  printStarted(handle, secret === '', trustedProxies);
  io.out(janus.length === 0 ? '  media      peer mesh' : `  media      SFU, Janus at ${janus.join(', ')}`);
  if (redis !== undefined) io.out(`  cluster    node ${handle.nodeId ?? '?'}, Redis at ${redacted(redis)}`);
  installSignals(handle);
  return -1;
}

function printStarted(handle: ServerHandle, randomSecret: boolean, proxies: readonly string[]): void {
  io.out(`co-guest-kit server listening`);
  if (handle.staticDir !== null) io.out(`  page       ${handle.httpUrl}/`);
  io.out(`  WebSocket  ${handle.url}`);
  io.out(`  health     ${handle.httpUrl}/healthz`);
  if (handle.staticDir !== null) io.out(`  files      ${handle.staticDir}`);
  if (handle.allowedOrigins.length > 0) io.out(`  origins    ${handle.allowedOrigins.join(' ')}`);
  if (handle.allowedHosts.length > 0) io.out(`  hosts      ${handle.allowedHosts.join(' ')}`);
  if (proxies.length > 0) io.out(`  proxies    ${proxies.join(' ')}`);
  if (!handle.dev) return;
  const line = '!'.repeat(78);
  io.out(
    [
      '',
      line,
      '!!  DEV MODE: GET /dev/token mints a token for ANY user id, no questions asked.',
      '!!  DEV TOKENS ARE FOR LOCAL USE ONLY. Never expose this server to a network.',
      randomSecret
        ? '!!  No CO_GUEST_SECRET: a random secret is used; tokens die with this process.'
        : '!!  Tokens are signed with CO_GUEST_SECRET.',
      ...(['127.0.0.1', '::1', 'localhost'].includes(handle.host)
        ? []
        : [`!!  WARNING: bound to ${handle.host}: anyone who can reach it can mint a token.`]),
      line,
      '',
      'Get a dev token:',
      `  curl '${handle.httpUrl}/dev/token?userId=alice&userName=Alice'`,
      '',
      'Use it from the headless client (co-guest-kit/core; in Node pass `ws` as WebSocket):',
      "  import { createSession } from 'co-guest-kit/core';",
      '  const session = createSession();',
      `  await session.loginStore.login({ serverUrl: '${handle.url}', token });`,
      '',
      'Or speak the protocol directly (docs/protocol.md): open the WebSocket and send',
      `  {"type":"hello","protocol":${PROTOCOL_VERSION},"token":"<the token above>"}`,
      '',
    ].join('\n'),
  );
}

function installSignals(handle: ServerHandle): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    io.out(`[co-guest-kit] ${signal}: closing`);
    handle.close().then(
      () => process.exit(0),
      (error: unknown) => {
        io.err(`[co-guest-kit] close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

async function token(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'user-id': { type: 'string' },
      'user-name': { type: 'string' },
      'avatar-url': { type: 'string', default: '' },
      'expires-in': { type: 'string', default: DEFAULT_TOKEN_EXPIRES_IN },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const secret = process.env.CO_GUEST_SECRET ?? '';
  if (secret === '') {
    io.err("error: CO_GUEST_SECRET is not set; the token must be signed with the server's secret.");
    return 1;
  }
  const userId = values['user-id'];
  const userName = values['user-name'];
  if (userId === undefined || userName === undefined) {
    io.err('error: --user-id and --user-name are required (see --help)');
    return 1;
  }
  const expiresRaw = values['expires-in'];
  const expiresIn = /^-?\d+$/.test(expiresRaw) ? Number(expiresRaw) : expiresRaw;
  try {
    io.out(await createToken({ secret, userId, userName, avatarUrl: values['avatar-url'], expiresIn }));
    return 0;
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Runs the CLI. Resolves to an exit code, or -1 while a server keeps running. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'token':
        return await token(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return command === undefined ? 1 : 0;
      default:
        io.err(`error: unknown command "${command}"\n\n${HELP}`);
        return 1;
    }
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
