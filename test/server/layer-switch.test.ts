/**
 * `switchLayers` (src/server/sfu/layer-switch.ts) against a stand-in for a Janus subscriber handle:
 * it records each `configure` and lets the test push the plugin's `substream` events. The real
 * Janus behind it is exercised by test/e2e/sfu.test.ts (a viewer's frames follow its layer).
 */
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { describe, it } from 'node:test';
import type { JanusHandle } from '../../src/server/janus/janus-client.js';
import { layerSettings, SUBSTREAM, switchLayers } from '../../src/server/sfu/layer-switch.js';

/** What the stand-in saw: each `configure`'s streams, and how to answer as Janus would. */
class FakeSubscriber extends EventEmitter {
  readonly configures: { mid: string; substream?: number; send?: boolean }[][] = [];
  refuse = false;

  readonly handle = {
    on: (type: string, listener: (payload: { data: Record<string, unknown> }) => void) => {
      this.on(`janus:${type}`, listener);
      return () => this.off(`janus:${type}`, listener);
    },
    message: (body: { request: string; streams: { mid: string; substream?: number }[] }) => {
      this.configures.push(body.streams);
      this.emit('configure', this.configures.length);
      if (this.refuse) return Promise.reject(new Error('refused'));
      return Promise.resolve({ data: { videoroom: 'event', configured: 'ok' } });
    },
    detached: false,
  } as unknown as JanusHandle;

  /** Janus's word that `mid` now relays `substream`. */
  switched(mid: string, substream: number): void {
    this.emit('janus:event', { data: { videoroom: 'event', mid, substream } });
  }

  /** Resolves once `count` configures were sent. */
  async configured(count: number): Promise<void> {
    while (this.configures.length < count) await once(this, 'configure');
  }

  listening(): number {
    return this.listenerCount('janus:event');
  }
}

let fake: FakeSubscriber;

const FAST = { retryMs: 1 };

describe('switchLayers', () => {
  it('sends the configure again until Janus reports the layer, then stops listening', async () => {
    fake = new FakeSubscriber();
    await switchLayers(fake.handle, [{ mid: '1', send: true, substream: 1 }], FAST);
    assert.equal(fake.configures.length, 1);
    await fake.configured(3);
    fake.switched('1', 1);
    assert.equal(fake.listening(), 0);
    const sent = fake.configures.length;
    assert.deepEqual(fake.configures.at(-1), [{ mid: '1', send: true, substream: 1 }]);
    // No more configures once confirmed: the next switch's first configure is the next one seen.
    await switchLayers(fake.handle, [{ mid: '1', send: true, substream: 2 }], FAST);
    assert.deepEqual(fake.configures[sent], [{ mid: '1', send: true, substream: 2 }]);
  });

  it('asks again only for the m-lines Janus has not switched', async () => {
    fake = new FakeSubscriber();
    const settings = [
      { mid: '1', send: true, substream: 2 as const },
      { mid: '3', send: true, substream: 1 as const },
      { mid: '5', send: false },
    ];
    await switchLayers(fake.handle, settings, FAST);
    fake.switched('1', 2);
    await fake.configured(2);
    assert.deepEqual(fake.configures[1], [{ mid: '3', send: true, substream: 1 }]);
    fake.switched('3', 1);
    assert.equal(fake.listening(), 0);
  });

  it('ignores a report of another layer, and gives up after its attempts', async () => {
    fake = new FakeSubscriber();
    await switchLayers(fake.handle, [{ mid: '1', send: true, substream: 2 }], { ...FAST, attempts: 3 });
    fake.switched('1', 1);
    await fake.configured(3);
    while (fake.listening() > 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(fake.configures.length, 3);
  });

  it('stops when the switch is no longer wanted, and pausing needs no confirmation', async () => {
    fake = new FakeSubscriber();
    let wanted = true;
    await switchLayers(fake.handle, [{ mid: '1', send: true, substream: 2 }], {
      ...FAST,
      current: () => wanted,
    });
    await fake.configured(2);
    wanted = false;
    while (fake.listening() > 0) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(fake.configures.length <= 3);
    fake = new FakeSubscriber();
    await switchLayers(fake.handle, [{ mid: '1', send: false }], FAST);
    assert.equal(fake.listening(), 0);
    assert.equal(fake.configures.length, 1);
  });

  it('rejects when Janus refuses the first configure; a later refusal goes to onError', async () => {
    fake = new FakeSubscriber();
    fake.refuse = true;
    await assert.rejects(switchLayers(fake.handle, [{ mid: '1', substream: 2 }], FAST), /refused/);
    assert.equal(fake.listening(), 0);
    fake = new FakeSubscriber();
    const errors: unknown[] = [];
    await switchLayers(fake.handle, [{ mid: '1', substream: 2 }], {
      ...FAST,
      onError: (error) => errors.push(error),
    });
    fake.refuse = true;
    await fake.configured(2);
    while (fake.listening() > 0) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 1);
  });
});

describe('layerSettings', () => {
  it("maps each publisher's wish onto its video m-line: high and low a substream, off a pause", () => {
    const streams = [
      { mindex: 0, mid: '0', type: 'audio' as const, feed_id: 'a' },
      { mindex: 1, mid: '1', type: 'video' as const, feed_id: 'a' },
      { mindex: 2, mid: '2', type: 'video' as const, feed_id: 'b' },
      { mindex: 3, mid: '3', type: 'video' as const, feed_id: 'c', active: false },
      { mindex: 4, mid: '4', type: 'video' as const, feed_id: 'd' },
    ];
    const wanted = new Map([
      ['a', 'high' as const],
      ['b', 'off' as const],
      ['c', 'low' as const],
    ]);
    assert.deepEqual(layerSettings(streams, wanted).settings, [
      { mid: '1', send: true, substream: SUBSTREAM.high },
      { mid: '2', send: false },
    ]);
    assert.deepEqual([...layerSettings(streams, wanted, 'b').asked], [['b', 'off']]);
  });
});
