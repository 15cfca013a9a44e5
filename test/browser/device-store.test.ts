/**
 * DeviceStore in Chromium: real capture from Chromium's fake devices (web-test-runner.config.mjs
 * passes --use-fake-device-for-media-stream and --use-fake-ui-for-media-stream and grants camera and
 * microphone), real stores on the in-page hub for the room rules, and a fake `MediaDevices` only
 * where a browser failure must be produced on purpose (error mapping, no support).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { createSession, ErrorCode, getDefaultSession, type Session } from '../../src/core/index.js';
import { DeviceStore, type MediaDevicesLike } from '../../src/media/index.js';
import { LiveMediaRuntime } from '../../src/media/live-media-runtime.js';
import { waitFor } from '../core/helpers.js';
import { startLive, type TestLive } from './shared/live.js';

/** Wraps the browser's devices and keeps every track they hand out. */
interface Spy {
  readonly devices: MediaDevicesLike;
  readonly tracks: MediaStreamTrack[];
  /** Calls of `getUserMedia`. */
  readonly calls: MediaStreamConstraints[];
}

function spy(): Spy {
  const base = navigator.mediaDevices;
  const tracks: MediaStreamTrack[] = [];
  const calls: MediaStreamConstraints[] = [];
  const devices: MediaDevicesLike = {
    async getUserMedia(constraints) {
      calls.push(constraints);
      const stream = await base.getUserMedia(constraints);
      tracks.push(...stream.getTracks());
      return stream;
    },
    async getDisplayMedia(options) {
      const stream = await base.getDisplayMedia(options);
      tracks.push(...stream.getTracks());
      return stream;
    },
    enumerateDevices: () => base.enumerateDevices(),
  };
  return { devices, tracks, calls };
}

/** A `MediaDevices` whose captures fail with `error`; its list and `devicechange` are scripted. */
class FakeDevices extends EventTarget implements MediaDevicesLike {
  list: MediaDeviceInfo[] = [];
  listeners = 0;
  readonly error: unknown;
  constructor(error: unknown = new DOMException('refused', 'NotAllowedError')) {
    super();
    this.error = error;
  }
  async getUserMedia(): Promise<MediaStream> {
    await Promise.resolve();
    throw this.error;
  }
  async getDisplayMedia(): Promise<MediaStream> {
    await Promise.resolve();
    throw this.error;
  }
  enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve(this.list);
  }
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'devicechange') this.listeners++;
    super.addEventListener(type, listener);
  }
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (type === 'devicechange') this.listeners--;
    super.removeEventListener(type, listener);
  }
}

function device(kind: MediaDeviceKind, deviceId: string, label: string): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: 'g', toJSON: () => ({}) };
}

const live = (track: MediaStreamTrack | undefined): boolean => track?.readyState === 'live';

/** The loudest sample the analyser sees now. */
function peak(analyser: AnalyserNode, buffer: Float32Array<ArrayBuffer>): number {
  analyser.getFloatTimeDomainData(buffer);
  let max = 0;
  for (const sample of buffer) max = Math.max(max, Math.abs(sample));
  return max;
}

describe('DeviceStore', () => {
  const sessions: Session[] = [];
  const spies: Spy[] = [];
  const created: DeviceStore[] = [];
  let room: TestLive | null = null;

  /** A fresh session's store, capturing through a spy on the real devices. */
  function store(options: { mediaDevices?: MediaDevicesLike | null; session?: Session } = {}): {
    readonly devices: DeviceStore;
    readonly spy: Spy;
  } {
    const session = options.session ?? createSession();
    if (options.session === undefined) sessions.push(session);
    const recorder = spy();
    spies.push(recorder);
    const mediaDevices = options.mediaDevices === undefined ? recorder.devices : options.mediaDevices;
    const devices = DeviceStore.for(session, { mediaDevices });
    created.push(devices);
    return { devices, spy: recorder };
  }

  async function seated(userId = 'alice'): Promise<{ devices: DeviceStore; spy: Spy; live: TestLive }> {
    room = await startLive({ audience: [userId] });
    await room.seat(userId);
    return { ...store({ session: room.session(userId) }), live: room };
  }

  /** The host's view of `userId`'s seat. */
  function seatOf(test: TestLive, userId: string, check: (camera: string, microphone: string) => boolean) {
    return waitFor(
      test.host.liveSeatStore(test.liveId).seatList,
      (seats) => {
        const user = seats.find((seat) => seat.userInfo?.userId === userId)?.userInfo ?? null;
        return user !== null && check(user.cameraStatus, user.microphoneStatus);
      },
      `the host sees ${userId}'s devices`,
    );
  }

  afterEach(async () => {
    for (const devices of created) await devices.reset();
    room?.close();
    room = null;
    for (const session of sessions) session.dispose();
    for (const recorder of spies) for (const track of recorder.tracks) track.stop();
    sessions.length = 0;
    spies.length = 0;
    created.length = 0;
  });

  describe('before any user gesture', () => {
    // First in the file on purpose: user activation is sticky for the page.
    it('publishes the raw microphone (an AudioContext could not start yet)', async () => {
      expect(navigator.userActivation.hasBeenActive, 'no gesture yet').to.equal(false);
      const { devices, spy: recorder } = store();
      expect((await devices.openLocalMicrophone()).isSuccess).to.equal(true);
      const raw = recorder.tracks.find((track) => track.kind === 'audio');
      expect(devices.localStream.get()?.getAudioTracks()[0] === raw, 'the raw track').to.equal(true);
      expect((await devices.setCaptureVolume(100)).isSuccess, 'full volume needs no gain').to.equal(true);
      const quieter = await devices.setCaptureVolume(50);
      expect(quieter.errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
      expect(devices.captureVolume.get(), 'kept for later').to.equal(50);
    });
  });

  describe('per session', () => {
    before(async () => {
      // A real click: the page may now run Web Audio (the gain node of the microphone).
      await sendMouse({ type: 'click', position: [1, 1] });
    });

    it('gives one store per session, and the default session’s as shared', () => {
      const a = createSession();
      const b = createSession();
      expect(DeviceStore.for(a) === DeviceStore.for(a)).to.equal(true);
      expect(DeviceStore.for(a) === DeviceStore.for(b)).to.equal(false);
      expect(DeviceStore.shared === DeviceStore.for(getDefaultSession())).to.equal(true);
      a.dispose();
      b.dispose();
    });

    it('refuses other mediaDevices for a session that has its store', () => {
      const session = createSession();
      DeviceStore.for(session, { mediaDevices: null });
      expect(() => DeviceStore.for(session, { mediaDevices: new FakeDevices() })).to.throw(
        /other mediaDevices/,
      );
      expect(() => DeviceStore.for(session, { mediaDevices: null })).not.to.throw();
      session.dispose();
    });

    it('starts with every device off and no error', () => {
      const { devices } = store();
      expect(devices.cameraStatus.get()).to.equal('off');
      expect(devices.microphoneStatus.get()).to.equal('off');
      expect(devices.screenStatus.get()).to.equal('off');
      expect(devices.localStream.get()).to.equal(null);
      expect(devices.lastError.get()).to.deep.equal({ camera: null, microphone: null, screen: null });
      expect(devices.captureVolume.get()).to.equal(100);
      expect(devices.isFrontCamera.get()).to.equal(true);
    });
  });

  describe('camera', () => {
    it('opens: status on, a live video track in localStream', async () => {
      const { devices } = store();
      const result = await devices.openLocalCamera({ isFront: true });
      expect(result.isSuccess).to.equal(true);
      expect(devices.cameraStatus.get()).to.equal('on');
      const track = devices.localStream.get()?.getVideoTracks()[0];
      expect(live(track)).to.equal(true);
      expect(devices.currentCamera.get()).to.equal(track?.getSettings().deviceId);
    });

    it('closes: the track ends, status off, localStream null', async () => {
      const { devices } = store();
      await devices.openLocalCamera();
      const track = devices.localStream.get()?.getVideoTracks()[0];
      expect((await devices.closeLocalCamera()).isSuccess).to.equal(true);
      expect(track?.readyState).to.equal('ended');
      expect(devices.cameraStatus.get()).to.equal('off');
      expect(devices.localStream.get()).to.equal(null);
    });

    it('is idempotent: opening twice captures once', async () => {
      const { devices, spy: recorder } = store();
      const [first, second] = await Promise.all([devices.openLocalCamera(), devices.openLocalCamera()]);
      expect(first.isSuccess && second.isSuccess).to.equal(true);
      expect(recorder.calls.length).to.equal(1);
      expect((await devices.closeLocalCamera()).isSuccess, 'closing an open camera').to.equal(true);
      expect((await devices.closeLocalCamera()).isSuccess, 'closing a closed camera').to.equal(true);
    });

    it('switchCamera keeps the stream object and swaps the video track', async () => {
      const { devices } = store();
      await devices.openLocalCamera({ isFront: true });
      const stream = devices.localStream.get()!;
      const before = stream.getVideoTracks()[0]!;
      const events: string[] = [];
      stream.addEventListener('removetrack', (event) => events.push(`remove ${event.track.id}`));
      stream.addEventListener('addtrack', (event) => events.push(`add ${event.track.id}`));
      let notified = 0;
      const unsubscribe = devices.localStream.listen(() => notified++);
      const result = await devices.switchCamera(false);
      unsubscribe();
      expect(result.isSuccess).to.equal(true);
      expect(devices.localStream.get() === stream, 'the same MediaStream').to.equal(true);
      const after = stream.getVideoTracks();
      expect(after.length).to.equal(1);
      expect(after[0]!.id).not.to.equal(before.id);
      expect(live(after[0])).to.equal(true);
      expect(before.readyState).to.equal('ended');
      expect(events).to.deep.equal([`remove ${before.id}`, `add ${after[0]!.id}`]);
      expect(notified, 'localStream subscribers hear of it').to.be.greaterThan(0);
      expect(devices.isFrontCamera.get()).to.equal(false);
    });

    it('switchCamera while off only chooses the side for the next opening', async () => {
      const { devices, spy: recorder } = store();
      expect((await devices.switchCamera(false)).isSuccess).to.equal(true);
      expect(recorder.calls.length).to.equal(0);
      expect(devices.isFrontCamera.get()).to.equal(false);
      expect(devices.cameraStatus.get()).to.equal('off');
    });

    it('selectCamera moves an open camera to a listed device, refuses an unknown one', async () => {
      const { devices } = store();
      await devices.openLocalCamera();
      const id = devices.currentCamera.get()!;
      const unknown = await devices.selectCamera('no-such-camera');
      expect(unknown.errorCode).to.equal(ErrorCode.CAMERA_NOT_FOUND);
      expect(devices.lastError.get().camera?.code).to.equal(ErrorCode.CAMERA_NOT_FOUND);
      expect(devices.cameraStatus.get(), 'the camera stays on').to.equal('on');
      const before = devices.localStream.get()!.getVideoTracks()[0]!;
      expect((await devices.selectCamera(id)).isSuccess).to.equal(true);
      const after = devices.localStream.get()!.getVideoTracks()[0]!;
      expect(after.id).not.to.equal(before.id);
      expect(after.getSettings().deviceId).to.equal(id);
      expect(devices.lastError.get().camera).to.equal(null);
    });
  });

  describe('microphone', () => {
    it('opens and closes: the published and the captured tracks end', async () => {
      const { devices, spy: recorder } = store();
      expect((await devices.openLocalMicrophone()).isSuccess).to.equal(true);
      expect(devices.microphoneStatus.get()).to.equal('on');
      const published = devices.localStream.get()?.getAudioTracks()[0];
      const raw = recorder.tracks.find((track) => track.kind === 'audio');
      expect(live(published) && live(raw)).to.equal(true);
      expect(published === raw, 'published through the gain node').to.equal(false);
      expect((await devices.closeLocalMicrophone()).isSuccess).to.equal(true);
      expect(published?.readyState).to.equal('ended');
      expect(raw?.readyState).to.equal('ended');
      expect(devices.microphoneStatus.get()).to.equal('off');
      expect(devices.localStream.get()).to.equal(null);
    });

    it('shares one stream with the camera', async () => {
      const { devices } = store();
      await devices.openLocalCamera();
      const stream = devices.localStream.get();
      await devices.openLocalMicrophone();
      expect(devices.localStream.get() === stream).to.equal(true);
      expect(
        stream
          ?.getTracks()
          .map((track) => track.kind)
          .sort(),
      ).to.deep.equal(['audio', 'video']);
      await devices.closeLocalCamera();
      expect(devices.localStream.get() === stream, 'still there with the microphone').to.equal(true);
      expect(stream?.getTracks().map((track) => track.kind)).to.deep.equal(['audio']);
    });

    it('setCaptureVolume scales what the published track carries', async function () {
      this.timeout(10_000);
      const { devices } = store();
      await devices.openLocalMicrophone();
      const published = devices.localStream.get()!.getAudioTracks()[0]!;
      const context = new AudioContext();
      const analyser = context.createAnalyser();
      context.createMediaStreamSource(new MediaStream([published])).connect(analyser);
      const buffer = new Float32Array(analyser.fftSize);
      /**
       * The loudest sample of the next two beeps of the fake microphone (it beeps about twice a
       * second), counted from a quiet moment so that nothing captured before is included.
       */
      const loudest = async (): Promise<number> => {
        let quiet = false;
        let inBeep = false;
        let beeps = 0;
        let max = 0;
        await waitUntil(
          () => {
            const level = peak(analyser, buffer);
            if (!quiet) {
              quiet = level < 0.001;
              return false;
            }
            max = Math.max(max, level);
            if (level > 0.05 && !inBeep) {
              inBeep = true;
              beeps++;
            } else if (level < 0.01) {
              inBeep = false;
            }
            return beeps >= 2 && !inBeep;
          },
          'the fake microphone beeps',
          { timeout: 4000, interval: 15 },
        );
        return max;
      };
      try {
        expect(await loudest(), 'at 100').to.be.greaterThan(0.9);
        expect((await devices.setCaptureVolume(25)).isSuccess).to.equal(true);
        const quarter = await loudest();
        expect(quarter, 'at 25').to.be.within(0.15, 0.35);
      } finally {
        await context.close();
      }
    });

    it('setCaptureVolume refuses values outside 0..100', async () => {
      const { devices } = store();
      for (const value of [-1, 101, Number.NaN, Infinity]) {
        expect((await devices.setCaptureVolume(value)).errorCode, String(value)).to.equal(
          ErrorCode.INVALID_ARGUMENT,
        );
      }
      expect(devices.captureVolume.get()).to.equal(100);
    });

    it('without Web Audio publishes the raw track, and puts the gain in once it can', async () => {
      const { devices, spy: recorder } = store();
      const saved = globalThis.AudioContext;
      (globalThis as { AudioContext?: typeof AudioContext }).AudioContext = undefined;
      try {
        await devices.openLocalMicrophone();
        const stream = devices.localStream.get()!;
        const raw = recorder.tracks.find((track) => track.kind === 'audio');
        expect(stream.getAudioTracks()[0] === raw).to.equal(true);
        expect((await devices.setCaptureVolume(40)).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
        globalThis.AudioContext = saved;
        expect((await devices.setCaptureVolume(60)).isSuccess).to.equal(true);
        const published = stream.getAudioTracks();
        expect(published.length).to.equal(1);
        expect(published[0] === raw, 'now through the gain node').to.equal(false);
        expect(live(raw) && live(published[0])).to.equal(true);
      } finally {
        globalThis.AudioContext = saved;
      }
    });

    it('selectMicrophone feeds the same published track from another input', async () => {
      const { devices, spy: recorder } = store();
      await devices.openLocalMicrophone();
      const published = devices.localStream.get()!.getAudioTracks()[0]!;
      const list = await navigator.mediaDevices.enumerateDevices();
      const other = list.find(
        (item) => item.kind === 'audioinput' && item.deviceId !== devices.currentMicrophone.get(),
      )!;
      const firstRaw = recorder.tracks.find((track) => track.kind === 'audio')!;
      expect((await devices.selectMicrophone(other.deviceId)).isSuccess).to.equal(true);
      expect(devices.currentMicrophone.get()).to.equal(other.deviceId);
      expect(devices.localStream.get()!.getAudioTracks()[0] === published, 'same track').to.equal(true);
      expect(live(published)).to.equal(true);
      expect(firstRaw.readyState, 'the old input is released').to.equal('ended');
      const unknown = await devices.selectMicrophone('nope');
      expect(unknown.errorCode).to.equal(ErrorCode.MICROPHONE_NOT_FOUND);
    });
  });

  describe('device lists', () => {
    it('lists cameras, microphones and speakers, labelled once access is granted', async () => {
      const { devices } = store();
      await devices.openLocalMicrophone();
      const unsubscribe = [
        devices.cameras.listen(() => undefined),
        devices.microphones.listen(() => undefined),
        devices.speakers.listen(() => undefined),
      ];
      try {
        for (const list of [devices.cameras, devices.microphones, devices.speakers]) {
          const value = await waitFor(list, (items) => items.length > 0, 'a device list');
          expect(value.every((item) => item.label !== '' && item.deviceId !== '')).to.equal(true);
        }
        expect(devices.cameras.get().every((item) => item.kind === 'videoinput')).to.equal(true);
        expect(devices.speakers.get().every((item) => item.kind === 'audiooutput')).to.equal(true);
      } finally {
        for (const stop of unsubscribe) stop();
      }
    });

    it('refreshes on devicechange while someone listens, and stops listening after', async () => {
      const fake = new FakeDevices();
      fake.list = [device('videoinput', 'cam-1', 'Front camera')];
      const { devices } = store({ mediaDevices: fake });
      const unsubscribe = devices.cameras.listen(() => undefined);
      await waitFor(devices.cameras, (list) => list.length === 1, 'the first list');
      expect(fake.listeners).to.equal(1);
      fake.list = [...fake.list, device('videoinput', 'cam-2', 'Back camera')];
      fake.dispatchEvent(new Event('devicechange'));
      const list = await waitFor(devices.cameras, (items) => items.length === 2, 'the new camera');
      expect(list.map((item) => item.label)).to.deep.equal(['Front camera', 'Back camera']);
      unsubscribe();
      await waitUntil(() => fake.listeners === 0, 'the devicechange listener is removed', { timeout: 3000 });
    });

    it('selectSpeaker stores a listed output, refuses an unknown one', async () => {
      const { devices } = store();
      expect(devices.supports('speaker')).to.equal(true);
      const outputs = (await navigator.mediaDevices.enumerateDevices()).filter(
        (item) => item.kind === 'audiooutput',
      );
      const last = outputs[outputs.length - 1]!;
      expect((await devices.selectSpeaker(last.deviceId)).isSuccess).to.equal(true);
      expect(devices.currentSpeaker.get()).to.equal(last.deviceId);
      expect((await devices.selectSpeaker('nope')).errorCode).to.equal(ErrorCode.INVALID_ARGUMENT);
      expect((await devices.selectSpeaker('')).isSuccess).to.equal(true);
      expect(devices.currentSpeaker.get()).to.equal(null);
    });
  });

  describe('speaker', () => {
    it("the chosen speaker plays the live's remote audio, and a new choice moves it", async () => {
      room = await startLive({ audience: ['guest', 'viewer'] });
      await room.seat('guest');
      const outputs = (await navigator.mediaDevices.enumerateDevices()).filter(
        (item) => item.kind === 'audiooutput' && item.deviceId !== 'default',
      );
      const first = outputs[0];
      expect(first, 'Chromium lists an audio output').to.not.equal(undefined);
      const viewer = store({ session: room.session('viewer') }).devices;
      const guest = store({ session: room.session('guest') }).devices;
      expect((await viewer.selectSpeaker(first!.deviceId)).isSuccess).to.equal(true);
      // Every sink the media layer gives an element that plays a stream.
      const sinks: { element: HTMLMediaElement; sinkId: string }[] = [];
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
      const setSinkId = HTMLMediaElement.prototype.setSinkId;
      HTMLMediaElement.prototype.setSinkId = function (this: HTMLMediaElement, sinkId: string) {
        sinks.push({ element: this, sinkId });
        return setSinkId.call(this, sinkId);
      };
      const runtimes = [viewer, guest].map((devices, index) =>
        LiveMediaRuntime.for(room!.session(index === 0 ? 'viewer' : 'guest'), room!.liveId, devices),
      );
      try {
        for (const runtime of runtimes) runtime.start();
        expect((await guest.openLocalMicrophone()).isSuccess).to.equal(true);
        const streams = await waitFor(
          runtimes[0]!.remoteStreams,
          (value) => (value.get('guest')?.getAudioTracks().length ?? 0) > 0,
          "the guest's audio at the viewer",
        );
        const stream = streams.get('guest');
        const playing = (sinkId: string) =>
          sinks.some(
            ({ element, sinkId: id }) =>
              element instanceof HTMLAudioElement && element.srcObject === stream && id === sinkId,
          );
        await waitUntil(() => playing(first!.deviceId), "the guest's audio plays on the chosen speaker");
        expect((await viewer.selectSpeaker('')).isSuccess).to.equal(true);
        await waitUntil(() => playing(''), 'back on the default output');
      } finally {
        HTMLMediaElement.prototype.setSinkId = setSinkId;
        for (const runtime of runtimes) runtime.stop();
      }
    });
  });

  describe('errors', () => {
    const TABLE: readonly [string, number, number][] = [
      ['NotAllowedError', ErrorCode.CAMERA_NOT_AUTHORIZED, ErrorCode.MICROPHONE_NOT_AUTHORIZED],
      ['SecurityError', ErrorCode.CAMERA_NOT_AUTHORIZED, ErrorCode.MICROPHONE_NOT_AUTHORIZED],
      ['NotFoundError', ErrorCode.CAMERA_NOT_FOUND, ErrorCode.MICROPHONE_NOT_FOUND],
      ['OverconstrainedError', ErrorCode.CAMERA_NOT_FOUND, ErrorCode.MICROPHONE_NOT_FOUND],
      ['NotReadableError', ErrorCode.CAMERA_OCCUPIED, ErrorCode.MICROPHONE_OCCUPIED],
      ['AbortError', ErrorCode.CAMERA_OCCUPIED, ErrorCode.MICROPHONE_OCCUPIED],
      ['TypeError', ErrorCode.CAMERA_START_FAILED, ErrorCode.MICROPHONE_START_FAILED],
      ['SomethingNew', ErrorCode.CAMERA_START_FAILED, ErrorCode.MICROPHONE_START_FAILED],
    ];

    for (const [name, camera, microphone] of TABLE) {
      it(`maps ${name} to ${camera} / ${microphone}`, async () => {
        const { devices } = store({ mediaDevices: new FakeDevices(new DOMException('no', name)) });
        const opened = await devices.openLocalCamera();
        expect(opened.errorCode).to.equal(camera);
        expect(opened.errorMessage).to.contain(name);
        const heard = await devices.openLocalMicrophone();
        expect(heard.errorCode).to.equal(microphone);
        expect(devices.lastError.get().camera?.code).to.equal(camera);
        expect(devices.lastError.get().microphone?.code).to.equal(microphone);
        expect(devices.cameraStatus.get()).to.equal('off');
        expect(devices.microphoneStatus.get()).to.equal('off');
        expect(devices.localStream.get()).to.equal(null);
      });
    }

    it('maps a plain thrown value to START_FAILED', async () => {
      const { devices } = store({ mediaDevices: new FakeDevices('boom') });
      expect((await devices.openLocalCamera()).errorCode).to.equal(ErrorCode.CAMERA_START_FAILED);
    });

    it('clears the error of a device once it opens', async () => {
      const { devices } = store();
      await devices.selectCamera('missing');
      expect(devices.lastError.get().camera).not.to.equal(null);
      await devices.openLocalCamera();
      expect(devices.lastError.get().camera).to.equal(null);
    });

    it('NOT_SUPPORTED without mediaDevices, for every device', async () => {
      const { devices } = store({ mediaDevices: null });
      expect(
        devices.supports('camera') || devices.supports('microphone') || devices.supports('screen'),
      ).to.equal(false);
      expect((await devices.openLocalCamera()).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
      expect((await devices.openLocalMicrophone()).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
      expect((await devices.startScreenShare()).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
      expect((await devices.refreshDevices()).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
      expect(devices.lastError.get().camera?.code).to.equal(ErrorCode.NOT_SUPPORTED);
      expect(devices.lastError.get().screen?.code).to.equal(ErrorCode.NOT_SUPPORTED);
    });

    it('NOT_SUPPORTED for the screen without getDisplayMedia', async () => {
      const base = navigator.mediaDevices;
      const devicesWithoutScreen: MediaDevicesLike = {
        getUserMedia: (constraints) => base.getUserMedia(constraints),
        enumerateDevices: () => base.enumerateDevices(),
      };
      const { devices } = store({ mediaDevices: devicesWithoutScreen });
      expect(devices.supports('camera')).to.equal(true);
      expect(devices.supports('screen')).to.equal(false);
      expect((await devices.startScreenShare()).errorCode).to.equal(ErrorCode.NOT_SUPPORTED);
    });

    it('SCREEN_SHARE_FAILED for any failure of getDisplayMedia', async () => {
      for (const name of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'InvalidStateError']) {
        const { devices } = store({ mediaDevices: new FakeDevices(new DOMException('no', name)) });
        const result = await devices.startScreenShare();
        expect(result.errorCode, name).to.equal(ErrorCode.SCREEN_SHARE_FAILED);
        expect(devices.lastError.get().screen?.code).to.equal(ErrorCode.SCREEN_SHARE_FAILED);
        expect(devices.screenStatus.get()).to.equal('off');
      }
    });
  });

  describe('screen', () => {
    it('shares the screen with getDisplayMedia and stops', async () => {
      const { devices } = store();
      expect((await devices.startScreenShare()).isSuccess).to.equal(true);
      expect(devices.screenStatus.get()).to.equal('on');
      const track = devices.screenStream.get()?.getVideoTracks()[0];
      expect(live(track)).to.equal(true);
      expect(devices.localStream.get(), 'the screen is not in localStream').to.equal(null);
      expect((await devices.stopScreenShare()).isSuccess).to.equal(true);
      expect(track?.readyState).to.equal('ended');
      expect(devices.screenStatus.get()).to.equal('off');
      expect(devices.screenStream.get()).to.equal(null);
    });

    it('goes off when the browser ends the share (its own "Stop sharing")', async () => {
      const { devices } = store();
      await devices.startScreenShare();
      const track = devices.screenStream.get()!.getVideoTracks()[0]!;
      track.dispatchEvent(new Event('ended'));
      expect(devices.screenStatus.get()).to.equal('off');
      expect(track.readyState).to.equal('ended');
    });
  });

  describe('room rules', () => {
    it('a seated user opening the camera: the host sees it on; closing: off', async () => {
      const { devices, live: test } = await seated();
      expect((await devices.openLocalCamera()).isSuccess).to.equal(true);
      await seatOf(test, 'alice', (camera) => camera === 'on');
      expect((await devices.openLocalMicrophone()).isSuccess).to.equal(true);
      await seatOf(test, 'alice', (camera, microphone) => camera === 'on' && microphone === 'on');
      expect((await devices.closeLocalCamera()).isSuccess).to.equal(true);
      await seatOf(test, 'alice', (camera, microphone) => camera === 'off' && microphone === 'on');
    });

    it('a user not on a seat opens a preview: nothing is published', async () => {
      room = await startLive({ audience: ['alice'] });
      const { devices } = store({ session: room.session('alice') });
      expect((await devices.openLocalCamera()).isSuccess).to.equal(true);
      expect(devices.cameraStatus.get()).to.equal('on');
    });

    it('a forbidden camera: CAMERA_LOCKED, nothing captured', async () => {
      const { devices, spy: recorder, live: test } = await seated();
      const forbidden = await test.host
        .liveSeatStore(test.liveId)
        .closeRemoteCamera('alice', { forbid: true });
      expect(forbidden.isSuccess).to.equal(true);
      await waitFor(devices.cameraLocked, (locked) => locked, 'alice sees the lock');
      const result = await devices.openLocalCamera();
      expect(result.errorCode).to.equal(ErrorCode.CAMERA_LOCKED);
      expect(devices.lastError.get().camera?.code).to.equal(ErrorCode.CAMERA_LOCKED);
      expect(recorder.calls.length, 'getUserMedia is not called').to.equal(0);
      expect(devices.cameraStatus.get()).to.equal('off');
      expect(devices.microphoneLocked.get()).to.equal(false);
      expect((await devices.openLocalMicrophone()).isSuccess, 'the microphone is allowed').to.equal(true);
    });

    it('a forbidden microphone: MICROPHONE_LOCKED', async () => {
      const { devices, live: test } = await seated();
      await test.host.liveSeatStore(test.liveId).closeRemoteMicrophone('alice', { forbid: true });
      await waitFor(devices.microphoneLocked, (locked) => locked, 'alice sees the lock');
      expect((await devices.openLocalMicrophone()).errorCode).to.equal(ErrorCode.MICROPHONE_LOCKED);
      await test.host.liveSeatStore(test.liveId).openRemoteMicrophone('alice');
      await waitFor(devices.microphoneLocked, (locked) => !locked, 'the lock is lifted');
      expect(devices.microphoneStatus.get(), 'allowing does not open it').to.equal('off');
      expect((await devices.openLocalMicrophone()).isSuccess).to.equal(true);
    });

    it('the host closes the microphone: the local track ends, status off', async () => {
      const { devices, spy: recorder, live: test } = await seated();
      await devices.openLocalMicrophone();
      const published = devices.localStream.get()!.getAudioTracks()[0]!;
      await test.host.liveSeatStore(test.liveId).closeRemoteMicrophone('alice');
      await waitFor(devices.microphoneStatus, (status) => status === 'off', 'the microphone goes off');
      expect(published.readyState).to.equal('ended');
      expect(recorder.tracks.every((track) => track.readyState === 'ended')).to.equal(true);
      expect(devices.localStream.get()).to.equal(null);
    });

    it('the host forbids an open camera: the track ends', async () => {
      const { devices, live: test } = await seated();
      await devices.openLocalCamera();
      const track = devices.localStream.get()!.getVideoTracks()[0]!;
      await test.host.liveSeatStore(test.liveId).closeRemoteCamera('alice', { forbid: true });
      await waitFor(devices.cameraStatus, (status) => status === 'off', 'the camera goes off');
      expect(track.readyState).to.equal('ended');
    });

    it('kicked off the seat: every capture track ends', async () => {
      const { devices, spy: recorder, live: test } = await seated();
      await devices.openLocalCamera();
      await devices.openLocalMicrophone();
      await devices.startScreenShare();
      expect(recorder.tracks.length).to.equal(3);
      await test.host.liveSeatStore(test.liveId).kickUserOutOfSeat('alice');
      await waitFor(devices.cameraStatus, (status) => status === 'off', 'the camera goes off');
      expect(recorder.tracks.map((track) => track.readyState)).to.deep.equal(['ended', 'ended', 'ended']);
      expect(devices.microphoneStatus.get()).to.equal('off');
      expect(devices.screenStatus.get()).to.equal('off');
      expect(devices.localStream.get()).to.equal(null);
    });

    it('leaving the seat stops capture; a move to another seat does not', async () => {
      const { devices, spy: recorder, live: test } = await seated();
      await devices.openLocalCamera();
      await test.host.liveSeatStore(test.liveId).moveUserToSeat('alice', 5);
      await waitFor(
        test.session('alice').liveSeatStore(test.liveId).seatList,
        (seats) => seats[5]?.userInfo?.userId === 'alice',
        'alice moved',
      );
      expect(devices.cameraStatus.get(), 'still on after the move').to.equal('on');
      await test.session('alice').coGuestStore(test.liveId).disconnect();
      await waitFor(devices.cameraStatus, (status) => status === 'off', 'the camera goes off');
      expect(recorder.tracks.every((track) => track.readyState === 'ended')).to.equal(true);
    });

    it('a dropped connection that resumes keeps capture (the seat is held)', async () => {
      const { devices, live: test } = await seated();
      await devices.openLocalCamera();
      const track = devices.localStream.get()!.getVideoTracks()[0]!;
      const session = test.session('alice');
      test.hub.dropConnections('alice');
      await waitFor(session.$connection, (state) => state === 'reconnecting', 'reconnecting');
      await waitFor(session.$connection, (state) => state === 'connected', 'connected again');
      expect(track.readyState).to.equal('live');
      expect(devices.cameraStatus.get()).to.equal('on');
    });

    it('logging out stops capture', async () => {
      room = await startLive({ audience: ['alice'] });
      const { devices, spy: recorder } = store({ session: room.session('alice') });
      await devices.openLocalCamera();
      room.session('alice').dispose();
      expect(recorder.tracks.every((track) => track.readyState === 'ended')).to.equal(true);
      expect(devices.cameraStatus.get()).to.equal('off');
    });

    it('sitting down publishes the devices already open, and opens none', async () => {
      room = await startLive({ audience: ['alice', 'bob'] });
      const alice = store({ session: room.session('alice') });
      const bob = store({ session: room.session('bob') });
      await alice.devices.openLocalCamera();
      await room.seat('alice');
      await room.seat('bob');
      await seatOf(room, 'alice', (camera, microphone) => camera === 'on' && microphone === 'off');
      expect(bob.spy.calls.length, 'nothing opened for bob').to.equal(0);
      expect(bob.devices.cameraStatus.get()).to.equal('off');
    });
  });

  describe('no leaks', () => {
    it('20 open/close cycles leave no live track', async function () {
      this.timeout(20_000);
      const { devices, spy: recorder } = store();
      const published = new Set<MediaStreamTrack>();
      const unsubscribe = devices.localStream.subscribe((stream) => {
        for (const track of stream?.getTracks() ?? []) published.add(track);
      });
      for (let cycle = 0; cycle < 20; cycle++) {
        expect((await devices.openLocalCamera()).isSuccess).to.equal(true);
        expect((await devices.openLocalMicrophone()).isSuccess).to.equal(true);
        expect((await devices.closeLocalCamera()).isSuccess).to.equal(true);
        expect((await devices.closeLocalMicrophone()).isSuccess).to.equal(true);
      }
      unsubscribe();
      expect(recorder.tracks.length, 'captured').to.equal(40);
      expect(published.size, "published: video + the gain node's output").to.equal(40);
      const all = [...recorder.tracks, ...published];
      expect(all.filter((track) => track.readyState === 'live').length).to.equal(0);
      expect(devices.localStream.get()).to.equal(null);
    });
  });
});
