/**
 * The media layer's lazy seams: `DeviceStore` keeps its atoms in the eager module and loads the
 * capture code (src/media/device-store-runtime.ts) on the first device action; `LiveMedia`
 * (src/media/live-media.ts) loads its runtime (src/media/live-media-runtime.ts) on the first
 * subscriber or action. Each test file runs in a page of its own, so each first test sees a page
 * that has not loaded that code yet.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { createSession, type Session } from '../../src/core/index.js';
import { DeviceStore } from '../../src/media/device-store.js';
import { LiveMedia, mediaFor } from '../../src/media/live-media.js';
import { startLive, type TestLive } from './shared/live.js';

/** Whether the page has fetched the module `/src/media/<file>`. */
function fetched(file: string): boolean {
  return performance
    .getEntriesByType('resource')
    .some((entry) => new URL(entry.name).pathname.endsWith(`/src/media/${file}`));
}

describe('media layer, lazy parts', () => {
  const sessions: Session[] = [];
  const stores: DeviceStore[] = [];
  let room: TestLive | null = null;

  function store(): DeviceStore {
    const session = createSession();
    sessions.push(session);
    const devices = DeviceStore.for(session);
    stores.push(devices);
    return devices;
  }

  afterEach(async () => {
    for (const devices of stores) await devices.reset();
    for (const session of sessions) session.dispose();
    room?.close();
    room = null;
    stores.length = 0;
    sessions.length = 0;
  });

  it('reads devices without the capture code, and loads it on the first device action', async () => {
    const devices = store();
    const lists: (readonly MediaDeviceInfo[])[] = [];
    const stop = devices.cameras.subscribe((cameras) => lists.push(cameras));
    expect(devices.cameraStatus.get()).to.equal('off');
    expect(devices.cameraLocked.get()).to.equal(false);
    expect((await devices.refreshDevices()).isSuccess).to.equal(true);
    expect(lists.at(-1)?.length).to.be.greaterThan(0);
    expect(fetched('device-store-runtime.ts')).to.equal(false);
    const opened = await devices.openLocalCamera();
    stop();
    expect(opened.isSuccess).to.equal(true);
    expect(devices.cameraStatus.get()).to.equal('on');
    expect(fetched('device-store-runtime.ts')).to.equal(true);
  });

  it('runs the actions of a store in call order across the load', async () => {
    const devices = store();
    const opened = devices.openLocalCamera();
    const microphone = devices.openLocalMicrophone();
    const closed = devices.closeLocalCamera();
    expect((await opened).isSuccess).to.equal(true);
    expect((await microphone).isSuccess).to.equal(true);
    expect((await closed).isSuccess).to.equal(true);
    expect(devices.cameraStatus.get()).to.equal('off');
    expect(devices.microphoneStatus.get()).to.equal('on');
    expect(devices.localStream.get()?.getVideoTracks()).to.have.length(0);
    expect(devices.localStream.get()?.getAudioTracks()).to.have.length(1);
  });

  it('loads the live media on first use; a stop() before the load leaves it stopped', async () => {
    const session = createSession();
    sessions.push(session);
    const media = LiveMedia.for(session, 'quiet');
    expect(media.connections).to.deep.equal({ publishing: [], watching: [] });
    media.start();
    expect(media.running.get()).to.equal(true);
    media.stop();
    expect(media.running.get()).to.equal(false);
    expect(fetched('live-media-runtime.ts')).to.equal(false);
    expect(fetched('mesh-transport.ts')).to.equal(false);
    // resumeAudio() waits for the same load, after the start above.
    await media.resumeAudio();
    expect(fetched('live-media-runtime.ts')).to.equal(true);
    // The transport comes with the runtime; simple-peer only with a first connection.
    expect(fetched('mesh-transport.ts')).to.equal(true);
    expect(fetched('peer.ts')).to.equal(false);
    const runtime = (await import('../../src/media/live-media-runtime.js')).LiveMediaRuntime.for(
      session,
      'quiet',
      DeviceStore.for(session),
    );
    expect(runtime.running.get()).to.equal(false);
    expect(media.running.get()).to.equal(false);
  });

  it('follows the live media runtime: a viewer gets the host’s camera through mediaFor', async () => {
    room = await startLive({ audience: ['viewer'] });
    const host = LiveMedia.for(room.host, room.liveId);
    const viewer = mediaFor(room.session('viewer'), room.liveId);
    const camera = DeviceStore.for(room.host);
    stores.push(camera);
    expect((await camera.openLocalCamera()).isSuccess).to.equal(true);
    host.start();
    let streams: ReadonlyMap<string, MediaStream> = new Map();
    const stop = viewer.streams.subscribe((value) => {
      streams = value;
    });
    await waitUntil(
      () => (streams.get('host')?.getVideoTracks().length ?? 0) > 0,
      'the viewer gets the host’s video',
    );
    stop();
    expect(host.running.get()).to.equal(true);
    expect(host.connections.publishing).to.deep.equal(['viewer']);
    host.stop();
    expect(host.running.get()).to.equal(false);
  });
});
