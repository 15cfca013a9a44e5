/**
 * The Janus configuration templates (janus/) as scripts/janus-process.mjs fills them in, the
 * harness's refusals, and the signed tokens: no Janus process here.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { renderJanusConfig, startJanus, type JanusConfigOptions } from '../../scripts/janus-process.mjs';
import { createJanusToken, janusTokenSource } from '../../src/server/janus/index.js';

const base: JanusConfigOptions = {
  port: 8188,
  configsFolder: '/tmp/janus-config',
  libFolder: '/usr/lib/x86_64-linux-gnu/janus',
  tokenSecret: 'token-secret',
  adminKey: 'admin-key',
  adminSecret: 'admin-secret',
};

describe('janus configuration', () => {
  it('fills every placeholder, with the secrets, the port and loopback', async () => {
    const files = await renderJanusConfig(base);
    assert.deepEqual(Object.keys(files).sort(), [
      'janus.jcfg',
      'janus.plugin.videoroom.jcfg',
      'janus.transport.websockets.jcfg',
    ]);
    for (const text of Object.values(files)) assert.doesNotMatch(text, /@[A-Z_]+@/);
    assert.match(files['janus.jcfg'] ?? '', /token_auth = true\n\ttoken_auth_secret = "token-secret"/);
    assert.match(files['janus.jcfg'] ?? '', /admin_secret = "admin-secret"/);
    assert.match(files['janus.plugin.videoroom.jcfg'] ?? '', /admin_key = "admin-key"/);
    assert.match(files['janus.plugin.videoroom.jcfg'] ?? '', /string_ids = true/);
    assert.match(files['janus.plugin.videoroom.jcfg'] ?? '', /lock_rtp_forward = true/);
    assert.doesNotMatch(files['janus.plugin.videoroom.jcfg'] ?? '', /^room-/m);
    assert.match(files['janus.transport.websockets.jcfg'] ?? '', /ws_port = 8188\n\tws_ip = "127.0.0.1"/);
    assert.doesNotMatch(files['janus.jcfg'] ?? '', /ice_enforce_list|nat_1_1_mapping|turn_/);
  });

  it('adds the ICE interface, the public address and TURN when given', async () => {
    const files = await renderJanusConfig({
      ...base,
      iceInterface: 'kit0',
      natMapping: '203.0.113.7',
      rtpPortRange: '40000-40100',
      turn: { server: 'turn.example.org', user: 'janus', password: 'pw' },
    });
    const core = files['janus.jcfg'] ?? '';
    assert.match(core, /ice_enforce_list = "kit0"/);
    assert.match(core, /nat_1_1_mapping = "203.0.113.7"/);
    assert.match(core, /rtp_port_range = "40000-40100"/);
    assert.match(core, /turn_server = "turn.example.org"\n\tturn_port = 3478\n\tturn_type = "udp"/);
    const rest = await renderJanusConfig({ ...base, turn: { restApi: 'https://kit.example.org/turn' } });
    assert.match(rest['janus.jcfg'] ?? '', /turn_rest_api = "https:\/\/kit.example.org\/turn"/);
  });

  it('refuses values that would break out of their quotes, and missing secrets', async () => {
    await assert.rejects(renderJanusConfig({ ...base, tokenSecret: 'a"\nadmin_secret = "x' }), TypeError);
    await assert.rejects(renderJanusConfig({ ...base, iceInterface: 'eth0\\' }), TypeError);
    await assert.rejects(renderJanusConfig({ ...base, adminKey: '' }), TypeError);
    await assert.rejects(renderJanusConfig({ ...base, port: 70_000 }), RangeError);
    await assert.rejects(renderJanusConfig({ ...base, rtpPortRange: '1-2-3' }), TypeError);
  });

  it('says how to install Janus when it is missing', async () => {
    await assert.rejects(startJanus({ janusPath: '/nonexistent/janus' }), /apt-get install janus/);
  });
});

describe('janus tokens', () => {
  it('signs "<expiry>,janus,<plugins>" with HMAC-SHA1 in base64, as Janus checks it', () => {
    const token = createJanusToken({ secret: 's3cret', ttlSeconds: 60, now: 1_700_000_000_000 });
    const [data, signature] = token.split(':');
    assert.equal(data, '1700000060,janus,janus.plugin.videoroom');
    assert.equal(
      signature,
      createHmac('sha1', 's3cret')
        .update(data ?? '')
        .digest('base64'),
    );
    assert.throws(() => createJanusToken({ secret: '' }), TypeError);
    assert.throws(() => createJanusToken({ secret: 's', plugins: ['a,b'] }), TypeError);
  });

  it('keeps one token until it nears its expiry, then signs a new one', () => {
    let now = 1_700_000_000_000;
    const source = janusTokenSource('s3cret', 100, () => now);
    const first = source();
    now += 80_000;
    assert.equal(source(), first);
    now += 11_000;
    const second = source();
    assert.notEqual(second, first);
    assert.match(second, /^1700000191,janus,/);
  });
});
