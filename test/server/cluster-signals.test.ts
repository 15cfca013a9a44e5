/**
 * WebRTC signals (`media.signal`) between members connected to different servers of a cluster:
 * relayed inside a watch pair in both directions, refused outside one.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ErrorCode, type SignalMessage } from '../../src/protocol/index.js';
import type { ServerHandle } from '../../src/server/server.js';
import { startTestRedis, testPrefix, type RedisProcess } from '../support/redis-process.js';
import { Resources } from './helpers.js';

const OFFER = { type: 'offer', sdp: 'v=0 offer' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0 answer' } as const;

describe('signals across a cluster of servers', () => {
  let redis: RedisProcess;
  let resources: Resources;
  let servers: ServerHandle[];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    resources = new Resources();
    const prefix = testPrefix();
    servers = [];
    for (const nodeId of ['node-a', 'node-b']) {
      servers.push(await resources.server({ cluster: { redis: redis.url, nodeId, prefix } }));
    }
  });
  afterEach(async () => {
    await resources.dispose();
  });

  function server(index: number): ServerHandle {
    const handle = servers[index];
    assert.ok(handle);
    return handle;
  }

  it('relays signals inside a watch pair between two servers, both ways, and refuses others', async () => {
    // The live goes to node-a (the least loaded, all idle): the host is on its owner, the viewer
    // and a bystander on node-b.
    const host = await resources.connect(server(0), 'host');
    const viewer = await resources.connect(server(1), 'viewer');
    const bystander = await resources.connect(server(1), 'bystander');
    await host.ok('live.create', { liveId: 'show' });
    await viewer.ok('live.join', { liveId: 'show' });
    await bystander.ok('live.join', { liveId: 'show' });
    await viewer.ok('media.watch', { liveId: 'show', publisherId: 'host' });

    const offer = viewer.waitFor(
      (m): m is SignalMessage => m.type === 'signal' && m.from === 'host',
      'offer',
    );
    assert.deepEqual(await host.ok('media.signal', { liveId: 'show', to: 'viewer', data: OFFER }), {
      delivered: true,
    });
    assert.deepEqual(((await offer) as SignalMessage).data, OFFER);

    const answer = host.waitFor(
      (m): m is SignalMessage => m.type === 'signal' && m.from === 'viewer',
      'answer',
    );
    assert.deepEqual(await viewer.ok('media.signal', { liveId: 'show', to: 'host', data: ANSWER }), {
      delivered: true,
    });
    assert.deepEqual(((await answer) as SignalMessage).data, ANSWER);

    const refused = await bystander.command('media.signal', { liveId: 'show', to: 'host', data: OFFER });
    assert.equal(refused.result.isSuccess ? null : refused.result.errorCode, ErrorCode.MEDIA_NOT_ALLOWED);
  });
});
