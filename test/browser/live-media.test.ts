/**
 * LiveMedia in Chromium, through its runtime (`LiveMediaRuntime`, the code `LiveMedia` loads on
 * first use; the loading itself is test/browser/lazy-media.test.ts's): real WebRTC on loopback
 * between sessions of one page, on the in-page hub.
 * Chromium's fake camera and microphone (web-test-runner.config.mjs) feed the seat holders; no ICE
 * server is used (`iceServers: []`: host candidates on loopback, --allow-loopback-in-peer-connection).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { createSession, ErrorCode, type Session } from '../../src/core/index.js';
import { DeviceStore, type MediaDevicesLike } from '../../src/media/index.js';
import { LiveMediaRuntime, type LiveMediaView } from '../../src/media/live-media-runtime.js';
import { waitFor } from '../core/helpers.js';
import { startLive, testUser, type TestLive } from './shared/live.js';

/** `LiveMedia.for` once the media code is loaded: the runtime, with the session's devices. */
const runtimeFor = (session: Session, liveId: string): LiveMediaRuntime =>
  LiveMediaRuntime.for(session, liveId, DeviceStore.for(session));

/** `mediaFor` once the media code is loaded: the runtime's view. */
const mediaFor = (session: Session, liveId: string): LiveMediaView => runtimeFor(session, liveId).view;

/** Every `RTCPeerConnection` the page made, so a test can count those still open. */
const connections: RTCPeerConnection[] = [];
const NativePeerConnection = globalThis.RTCPeerConnection;
globalThis.RTCPeerConnection = class extends NativePeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    connections.push(this);
  }
};

const openConnections = (): RTCPeerConnection[] =>
  connections.filter((connection) => connection.signalingState !== 'closed');

/** Listeners on `MediaStream`s, added minus removed, by event type (none is added twice here). */
const streamListeners = new Map<string, number>();
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the stream as `this`
const { addEventListener: nativeAdd, removeEventListener: nativeRemove } = MediaStream.prototype;
MediaStream.prototype.addEventListener = function (this: MediaStream, ...args: Parameters<typeof nativeAdd>) {
  streamListeners.set(args[0], (streamListeners.get(args[0]) ?? 0) + 1);
  nativeAdd.apply(this, args);
};
MediaStream.prototype.removeEventListener = function (
  this: MediaStream,
  ...args: Parameters<typeof nativeRemove>
) {
  streamListeners.set(args[0], (streamListeners.get(args[0]) ?? 0) - 1);
  nativeRemove.apply(this, args);
};

/** Resolves on the video's next painted frame; rejects after `timeoutMs`. */
function nextFrame(video: HTMLVideoElement, timeoutMs = 4000): Promise<VideoFrameCallbackMetadata> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no video frame within ${timeoutMs} ms`));
    }, timeoutMs);
    video.requestVideoFrameCallback((_now, metadata) => {
      clearTimeout(timer);
      resolve(metadata);
    });
  });
}

/** Whether the stream carries a live video track (it may still be muted until frames come). */
const hasVideo = (stream: MediaStream | undefined): boolean =>
  stream?.getVideoTracks().some((track) => track.readyState === 'live') ?? false;

/** Counts the session's signal and live-event subscriptions still attached. */
function countSubscriptions(session: Session): () => number {
  let active = 0;
  const counted = (off: () => void) => {
    active++;
    let done = false;
    return () => {
      if (!done) active--;
      done = true;
      off();
    };
  };
  const onSignal = session.onSignal.bind(session);
  const onLiveEvent = session.onLiveEvent.bind(session);
  session.onSignal = (liveId, listener) => counted(onSignal(liveId, listener));
  session.onLiveEvent = (liveId, listener) => counted(onLiveEvent(liveId, listener));
  return () => active;
}

/** Real devices whose microphone is a steady 440 Hz tone from Web Audio. */
function humming(): { devices: MediaDevicesLike; close(): Promise<void> } {
  const context = new AudioContext();
  const tone = context.createOscillator();
  const out = context.createMediaStreamDestination();
  tone.connect(out);
  tone.start();
  const base = navigator.mediaDevices;
  return {
    devices: {
      getUserMedia: async (constraints) =>
        constraints.audio === undefined || constraints.audio === false
          ? base.getUserMedia(constraints)
          : new MediaStream(out.stream.getAudioTracks().map((track) => track.clone())),
      enumerateDevices: () => base.enumerateDevices(),
    },
    close: () => context.close(),
  };
}

describe('LiveMedia', function () {
  // Real peer connections on a shared, loaded machine, and speaking detection that waits for the fake
  // microphone's beeps (about one a second): a bound well above the waits inside the tests.
  this.timeout(20_000);

  let live: TestLive;
  let videos: HTMLVideoElement[] = [];
  const medias: LiveMediaRuntime[] = [];
  /** Sessions a test opened itself (a reloaded page), disposed after it. */
  const pages: Session[] = [];

  /** The started media of `userId` (stopped after the test). */
  function media(userId: string): LiveMediaRuntime {
    const item = runtimeFor(live.session(userId), live.liveId);
    medias.push(item);
    item.start();
    return item;
  }

  function devices(userId: string): DeviceStore {
    return DeviceStore.for(live.session(userId));
  }

  async function remoteOf(item: LiveMediaRuntime, userId: string): Promise<MediaStream> {
    const streams = await waitFor(
      item.remoteStreams,
      (value) => hasVideo(value.get(userId)),
      `the video of ${userId}`,
    );
    return streams.get(userId)!;
  }

  /** A muted, playing `<video>` of `stream` in the document. */
  function show(stream: MediaStream): HTMLVideoElement {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.srcObject = stream;
    document.body.append(video);
    videos.push(video);
    return video;
  }

  /** Resolves once `video` painted two frames, the second one later in the stream than the first. */
  async function playing(video: HTMLVideoElement): Promise<void> {
    const first = await nextFrame(video);
    const later = await nextFrame(video);
    expect(video.videoWidth, 'frame width').to.be.greaterThan(0);
    expect(later.mediaTime, 'frames advance').to.be.greaterThan(first.mediaTime);
  }

  afterEach(() => {
    for (const item of medias.splice(0)) item.stop();
    for (const session of pages.splice(0)) session.dispose();
    for (const video of videos) {
      video.srcObject = null;
      video.remove();
    }
    videos = [];
    live.close();
  });

  describe('connections', () => {
    it("sends a seated guest's camera to a viewer: frames arrive and advance, without ICE servers", async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      const before = connections.length;
      const guest = media('guest');
      const viewer = media('viewer');
      media('host');
      const opened = await devices('guest').openLocalCamera();
      expect(opened.isSuccess, 'the guest opens the camera').to.equal(true);

      await playing(show(await remoteOf(viewer, 'guest')));
      await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');
      expect(guest.connections.publishing).to.have.members(['host', 'viewer']);
      expect(viewer.connections.watching).to.have.members(['host', 'guest']);
      const made = connections.slice(before);
      expect(made.length, 'one connection each way per pair').to.equal(8);
      for (const connection of made) expect(connection.getConfiguration().iceServers ?? []).to.deep.equal([]);
    });

    it('connects two seat holders both ways: each sees the other', async () => {
      live = await startLive({ audience: ['guest'] });
      await live.seat('guest');
      const host = media('host');
      const guest = media('guest');
      expect((await devices('host').openLocalCamera()).isSuccess).to.equal(true);
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);

      await playing(show(await remoteOf(host, 'guest')));
      await playing(show(await remoteOf(guest, 'host')));
      expect(host.connections).to.deep.equal({ publishing: ['guest'], watching: ['guest'] });
      expect(guest.connections).to.deep.equal({ publishing: ['host'], watching: ['host'] });
    });

    it('reaches a viewer who starts after the publisher opened its devices', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      const viewer = media('viewer');
      await playing(show(await remoteOf(viewer, 'guest')));
    });

    it('gives the viewer a stream without video while the publisher sends none', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');
      expect(viewer.remoteStreams.get().get('guest')?.getVideoTracks() ?? []).to.have.length(0);
    });
  });

  describe('devices', () => {
    it('camera off: the stream loses its video on the same connection; on again: frames come back', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      const stream = await remoteOf(viewer, 'guest');
      await playing(show(stream));
      const made = connections.length;

      expect((await devices('guest').closeLocalCamera()).isSuccess).to.equal(true);
      await waitFor(viewer.remoteStreams, (value) => !hasVideo(value.get('guest')), 'the video goes');
      expect(viewer.viewerStatus.get().get('guest')).to.equal('live');

      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      // The stream emptied, so the browser may hand a new one for the same publisher.
      await playing(show(await remoteOf(viewer, 'guest')));
      expect(viewer.viewerStatus.get().get('guest')).to.equal('live');
      expect(connections.length, 'no new connection').to.equal(made);
    });

    it('switching the camera replaces the sent track: frames keep coming on the same connection', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      const guestDevices = devices('guest');
      expect((await guestDevices.openLocalCamera()).isSuccess).to.equal(true);
      const video = show(await remoteOf(viewer, 'guest'));
      await playing(video);
      const made = connections.length;
      const before = guestDevices.localStream.get()?.getVideoTracks()[0];

      expect((await guestDevices.switchCamera(false)).isSuccess).to.equal(true);
      const after = guestDevices.localStream.get()?.getVideoTracks()[0];
      expect(after === before, 'a new local track').to.equal(false);
      await waitUntil(
        () =>
          openConnections()
            .flatMap((connection) => connection.getSenders())
            .some((sender) => sender.track === after),
        'the connection sends the new track',
      );
      await playing(video);
      expect(connections.length, 'no new connection').to.equal(made);
    });

    it('screen share: the screen takes the video section of the same connection; stopping brings the camera back', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      const guestDevices = devices('guest');
      expect((await guestDevices.openLocalCamera()).isSuccess).to.equal(true);
      const video = show(await remoteOf(viewer, 'guest'));
      await playing(video);
      const open = openConnections();
      const transceivers = open.map((connection) => connection.getTransceivers().length);
      const made = connections.length;
      const camera = guestDevices.localStream.get()?.getVideoTracks()[0];
      const sends = (track: MediaStreamTrack | undefined) => () =>
        openConnections()
          .flatMap((connection) => connection.getSenders())
          .some((sender) => track !== undefined && sender.track === track);
      expect(sends(camera)(), 'the camera goes out first').to.equal(true);

      expect((await guestDevices.startScreenShare()).isSuccess, 'sharing starts').to.equal(true);
      const screen = guestDevices.screenStream.get()?.getVideoTracks()[0];
      expect(screen, 'a screen track').to.not.equal(undefined);
      await waitUntil(sends(screen), 'the connection sends the screen');
      expect(sends(camera)(), 'instead of the camera').to.equal(false);
      // The viewer's video plays the screen's frames, at the screen's size.
      const { width } = screen!.getSettings();
      await waitUntil(() => video.videoWidth === width, `the viewer's video is ${width} wide`);
      await playing(video);
      // The guest's own view shows the screen too.
      const own = await waitFor(
        mediaFor(live.session('guest'), live.liveId).streams,
        (value) => value.get('guest')?.getVideoTracks()[0] === screen,
        "the guest's own stream shows the screen",
      );
      expect(own.get('guest')?.getVideoTracks()).to.have.length(1);

      expect((await guestDevices.stopScreenShare()).isSuccess, 'sharing stops').to.equal(true);
      expect(screen!.readyState, 'the screen capture ends').to.equal('ended');
      await waitUntil(sends(camera), 'the camera goes out again');
      await playing(video);

      expect(connections.length, 'no new connection').to.equal(made);
      expect(openConnections(), 'no connection closed').to.deep.equal(open);
      expect(
        open.map((connection) => connection.getTransceivers().length),
        'no new section',
      ).to.deep.equal(transceivers);
      expect(viewer.viewerStatus.get().get('guest')).to.equal('live');
    });

    it('screen share with the camera off: the seat shows video while sharing and goes back to nothing', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      const guestDevices = devices('guest');
      await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');
      const made = connections.length;
      const seatOf = () =>
        live
          .session('viewer')
          .liveSeatStore(live.liveId)
          .seatList.get()
          .find((seat) => seat.userInfo?.userId === 'guest')?.userInfo;
      expect(seatOf()?.cameraStatus).to.equal('off');

      expect((await guestDevices.startScreenShare()).isSuccess).to.equal(true);
      expect(guestDevices.cameraStatus.get(), 'the camera stays off').to.equal('off');
      await waitFor(
        live.session('viewer').liveSeatStore(live.liveId).seatList,
        () => seatOf()?.cameraStatus === 'on',
        "the room shows the seat's video on",
      );
      await playing(show(await remoteOf(viewer, 'guest')));

      expect((await guestDevices.stopScreenShare()).isSuccess).to.equal(true);
      await waitFor(viewer.remoteStreams, (value) => !hasVideo(value.get('guest')), 'the video goes');
      await waitFor(
        live.session('viewer').liveSeatStore(live.liveId).seatList,
        () => seatOf()?.cameraStatus === 'off',
        "the room shows the seat's video off",
      );
      expect(connections.length, 'no new connection').to.equal(made);
      expect(viewer.viewerStatus.get().get('guest')).to.equal('live');
    });

    it('screen share: the own stream stays one object while others publish and the microphone opens', async () => {
      live = await startLive({ audience: ['guest', 'other'] });
      await live.seat('guest');
      await live.seat('other');
      const guest = media('guest');
      media('other');
      const guestDevices = devices('guest');
      expect((await guestDevices.startScreenShare()).isSuccess).to.equal(true);
      const screen = guestDevices.screenStream.get()?.getVideoTracks()[0];
      const view = mediaFor(live.session('guest'), live.liveId);
      const shared = (await waitFor(view.streams, (value) => value.has('guest'), 'the own stream')).get(
        'guest',
      );
      // Another seat holder starts sending: the map of streams changes, the own stream does not.
      expect((await devices('other').openLocalCamera()).isSuccess).to.equal(true);
      await remoteOf(guest, 'other');
      await waitFor(view.streams, (value) => hasVideo(value.get('other')), "the other's video");
      expect(view.streams.get().get('guest') === shared, 'the same stream object').to.equal(true);
      // The microphone joins that stream rather than making a new one.
      expect((await guestDevices.openLocalMicrophone()).isSuccess).to.equal(true);
      await waitFor(
        view.streams,
        (value) => (value.get('guest')?.getAudioTracks().length ?? 0) === 1,
        'the mic',
      );
      expect(view.streams.get().get('guest') === shared, 'still the same stream object').to.equal(true);
      expect(shared?.getVideoTracks()[0] === screen, 'showing the screen').to.equal(true);
    });

    it("a host closing the seat's video stops the screen share; a video lock refuses it", async () => {
      live = await startLive({ audience: ['guest'] });
      await live.seat('guest');
      const guestDevices = devices('guest');
      expect((await guestDevices.startScreenShare()).isSuccess).to.equal(true);
      const screen = guestDevices.screenStream.get()?.getVideoTracks()[0];
      const seats = live.host.liveSeatStore(live.liveId);
      await waitFor(
        seats.seatList,
        (list) =>
          list.some((seat) => seat.userInfo?.userId === 'guest' && seat.userInfo.cameraStatus === 'on'),
        'the host sees the video on',
      );

      expect((await seats.closeRemoteCamera('guest')).isSuccess).to.equal(true);
      await waitFor(guestDevices.screenStatus, (status) => status === 'off', 'the share stops');
      expect(screen?.readyState).to.equal('ended');

      // Forbidding the camera locks the seat's video: the screen may not go out either.
      expect((await seats.closeRemoteCamera('guest', { forbid: true })).isSuccess).to.equal(true);
      await waitFor(
        live.session('guest').liveSeatStore(live.liveId).seatList,
        (list) => list.some((seat) => seat.userInfo?.userId === 'guest' && !seat.userInfo.allowOpenCamera),
        'the guest sees the lock',
      );
      const refused = await guestDevices.startScreenShare();
      expect(refused.errorCode).to.equal(ErrorCode.CAMERA_LOCKED);
      expect(guestDevices.screenStatus.get()).to.equal('off');
    });

    it('sends the microphone: the viewer gets audio and hears the guest speak', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      // Chromium's fake microphone beeps for 20 ms every 500 ms, in step with a 100 ms level poll
      // that can keep missing it: the guest's microphone hums without a pause instead.
      const hum = humming();
      DeviceStore.for(live.session('guest'), { mediaDevices: hum.devices });
      media('guest');
      const viewer = media('viewer');
      const stop = viewer.speakingUsers.listen(() => undefined);
      try {
        expect((await devices('guest').openLocalMicrophone()).isSuccess).to.equal(true);
        await waitFor(
          viewer.remoteStreams,
          (value) => (value.get('guest')?.getAudioTracks().length ?? 0) > 0,
          'the audio of guest',
        );
        await waitFor(viewer.speakingUsers, (value) => value.has('guest'), 'the guest speaks', 8000);
      } finally {
        stop();
        await hum.close();
      }
    });
  });

  describe('audio', () => {
    it('autoplayBlocked when the browser refuses to play remote audio; resumeAudio() plays it', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      // The browser's refusal before a user gesture (this test browser allows autoplay).
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
      const play = HTMLMediaElement.prototype.play;
      let refuse = true;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        return refuse ? Promise.reject(new DOMException('no gesture', 'NotAllowedError')) : play.call(this);
      };
      try {
        expect((await devices('guest').openLocalMicrophone()).isSuccess).to.equal(true);
        await waitFor(viewer.autoplayBlocked, (blocked) => blocked, 'autoplay blocked');
        expect(await viewer.resumeAudio(), 'still refused').to.equal(false);
        expect(viewer.autoplayBlocked.get()).to.equal(true);
        refuse = false;
        expect(await viewer.resumeAudio(), 'plays after a gesture').to.equal(true);
        expect(viewer.autoplayBlocked.get()).to.equal(false);
      } finally {
        HTMLMediaElement.prototype.play = play;
      }
    });

    it("mediaFor's speakingUsers hears the local microphone too", async () => {
      live = await startLive({ audience: ['guest'] });
      await live.seat('guest');
      const view = mediaFor(live.session('guest'), live.liveId);
      const stop = view.speakingUsers.listen(() => undefined);
      try {
        expect((await devices('guest').openLocalMicrophone()).isSuccess).to.equal(true);
        await waitFor(view.speakingUsers, (value) => value.has('guest'), 'the guest speaks', 8000);
        expect((await devices('guest').closeLocalMicrophone()).isSuccess).to.equal(true);
        await waitFor(view.speakingUsers, (value) => !value.has('guest'), 'the guest is silent');
      } finally {
        stop();
      }
    });
  });

  describe('closing', () => {
    it("kick: the guest's connections close on both sides and its capture ends; it still watches", async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      const guest = media('guest');
      const viewer = media('viewer');
      const host = media('host');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await remoteOf(viewer, 'guest');
      await remoteOf(host, 'guest');
      await waitUntil(() => guest.connections.watching.includes('host'), 'the guest watches the host');
      const track = devices('guest').localStream.get()?.getVideoTracks()[0];
      const open = openConnections().length;

      const kicked = await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('guest');
      expect(kicked.isSuccess).to.equal(true);
      await waitUntil(() => guest.connections.publishing.length === 0, 'the guest publishes to no one');
      await waitFor(viewer.remoteStreams, (value) => !value.has('guest'), 'the viewer drops the stream');
      await waitUntil(() => !host.connections.watching.includes('guest'), 'the host stops watching');
      await waitUntil(() => openConnections().length === open - 4, 'both sides of two pairs close');
      expect(viewer.viewerStatus.get().has('guest')).to.equal(false);
      expect(track?.readyState).to.equal('ended');
      expect(guest.connections.watching).to.deep.equal(['host']);
    });

    it('the live ends: every connection closes and the stores empty', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('host');
      media('guest');
      const viewer = media('viewer');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await remoteOf(viewer, 'guest');
      const open = openConnections().length;
      expect(open).to.be.greaterThan(0);

      expect((await live.host.liveListStore.endLive()).isSuccess).to.equal(true);
      await waitFor(viewer.remoteStreams, (value) => value.size === 0, 'no stream');
      await waitFor(viewer.viewerStatus, (value) => value.size === 0, 'no status');
      await waitUntil(() => openConnections().length === 0, 'every connection closed');
    });

    it('stop() closes what start() opened; mediaFor runs the media while someone listens', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = runtimeFor(live.session('viewer'), live.liveId);
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);

      const view = mediaFor(live.session('viewer'), live.liveId);
      const stop = view.streams.listen(() => undefined);
      expect(viewer.running.get(), 'running for a subscriber').to.equal(true);
      await waitFor(view.streams, (value) => hasVideo(value.get('guest')), 'the view gets the guest');
      const own = mediaFor(live.session('guest'), live.liveId).streams.get().get('guest');
      expect(own === devices('guest').localStream.get(), "the guest's own stream is its local one").to.equal(
        true,
      );
      viewer.start();
      stop();
      await waitFor(viewer.running, (running) => !running, 'no subscriber, not started').then(
        () => expect.fail('still started: must keep running'),
        () => undefined,
      );
      viewer.stop();
      await waitFor(viewer.running, (running) => !running, 'stopped');
      expect(viewer.remoteStreams.get().size).to.equal(0);
      expect(viewer.connections).to.deep.equal({ publishing: [], watching: [] });
    });
  });

  describe('rules', () => {
    it('refuses signals between audience members (MEDIA_NOT_ALLOWED) and watching a non seat holder', async () => {
      live = await startLive({ audience: ['ann', 'bob'] });
      const ann = live.session('ann');
      const signal = await ann.request('media.signal', {
        liveId: live.liveId,
        to: 'bob',
        data: { type: 'offer', sdp: 'v=0\r\n' },
      });
      expect(signal.isSuccess).to.equal(false);
      if (!signal.isSuccess) expect(signal.errorCode).to.equal(ErrorCode.MEDIA_NOT_ALLOWED);
      const watch = await ann.request('media.watch', { liveId: live.liveId, publisherId: 'bob' });
      expect(watch.isSuccess).to.equal(false);
      if (!watch.isSuccess) expect(watch.errorCode).to.equal(ErrorCode.NOT_ON_SEAT);
      media('host');
      const viewer = media('ann');
      await waitFor(viewer.viewerStatus, (value) => value.get('host') === 'live', 'ann watches the host');
      expect([...viewer.viewerStatus.get().keys()]).to.deep.equal(['host']);
    });

    it('a viewer over the cap is capped, and connects once a slot frees', async () => {
      live = await startLive({
        audience: ['guest', 'first', 'late'],
        hub: { roomLimits: { maxViewersPerPublisher: 2 } },
      });
      await live.seat('guest');
      media('guest');
      const first = media('first');
      media('host');
      await waitFor(first.viewerStatus, (value) => value.get('guest') === 'live', 'first is live');
      const late = media('late');
      await waitFor(late.viewerStatus, (value) => value.get('guest') === 'capped', 'late is capped');

      expect((await live.session('first').liveListStore.leaveLive()).isSuccess).to.equal(true);
      await waitFor(late.viewerStatus, (value) => value.get('guest') === 'live', 'late is live');
    });
  });

  describe('reconnect and resume', () => {
    /** Resolves once `session`'s connection went away and came back (listening from now on). */
    function resumed(session: Session): Promise<void> {
      return new Promise<void>((resolve) => {
        let away = false;
        const stop = session.$connection.listen((status) => {
          if (status !== 'connected') away = true;
          else if (away) {
            stop();
            resolve();
          }
        });
      });
    }

    /** Cuts `userId`'s connection as a network failure would; resolves once the session resumed. */
    async function dropAndResume(userId: string): Promise<void> {
      const back = resumed(live.session(userId));
      expect(live.hub.dropConnections(userId), `${userId} had a connection`).to.be.greaterThan(0);
      await back;
    }

    it("a viewer whose connection drops and resumes within the grace keeps the publisher's video", async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await playing(show(await remoteOf(viewer, 'guest')));

      await dropAndResume('viewer');
      await playing(show(await remoteOf(viewer, 'guest')));
      await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');
      // Signaling works after the resume: a camera switch reaches the viewer.
      const guestDevices = devices('guest');
      expect((await guestDevices.switchCamera(false)).isSuccess).to.equal(true);
      const switched = guestDevices.localStream.get()?.getVideoTracks()[0];
      await waitUntil(
        () =>
          openConnections()
            .flatMap((connection) => connection.getSenders())
            .some((sender) => sender.track === switched),
        'the publisher sends the new track',
      );
      await playing(show(await remoteOf(viewer, 'guest')));
    });

    it('a camera opened while the viewer was away reaches the viewer once it is back', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');

      const back = resumed(live.session('viewer'));
      expect(live.hub.dropConnections('viewer')).to.be.greaterThan(0);
      // The renegotiation this causes cannot reach the viewer while it is away.
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await back;
      await playing(show(await remoteOf(viewer, 'guest')));
    });

    it('a publisher whose connection drops and resumes keeps publishing to its viewers', async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      media('guest');
      const viewer = media('viewer');
      const guestDevices = devices('guest');
      expect((await guestDevices.openLocalCamera()).isSuccess).to.equal(true);
      await playing(show(await remoteOf(viewer, 'guest')));

      await dropAndResume('guest');
      await playing(show(await remoteOf(viewer, 'guest')));
      // Device changes still reach the viewer: camera off, then on again.
      expect((await guestDevices.closeLocalCamera()).isSuccess).to.equal(true);
      await waitFor(viewer.remoteStreams, (value) => !hasVideo(value.get('guest')), 'the video goes');
      expect((await guestDevices.openLocalCamera()).isSuccess).to.equal(true);
      await playing(show(await remoteOf(viewer, 'guest')));
      expect(guestDevices.cameraStatus.get()).to.equal('on');
    });

    /**
     * A reload of `userId`'s page: a new session of the same user logs in (the old one is replaced
     * and goes silent, its peer connections left as they were) and joins the live afresh. Its media
     * starts before the join (as `<live-core-view>` in the page does), or after it with `late` (the
     * media code loads on first use). Its `media.watch` and `media.unwatch` requests go to `asked`.
     */
    async function reload(
      userId: string,
      { late = false, asked = [] }: { late?: boolean; asked?: string[] } = {},
    ): Promise<{ page: Session; fresh: LiveMediaRuntime }> {
      const page = createSession();
      pages.push(page);
      const request = page.request.bind(page);
      page.request = (name, args) => {
        if (name === 'media.watch' || name === 'media.unwatch') {
          asked.push(`${name} ${(args as { publisherId: string }).publisherId}`);
        }
        return request(name, args);
      };
      expect((await page.loginStore.login({ hub: live.hub, user: testUser(userId) })).isSuccess).to.equal(
        true,
      );
      const fresh = runtimeFor(page, live.liveId);
      medias.push(fresh);
      if (!late) fresh.start();
      let viewers = 0;
      const off = page.onLiveEvent(live.liveId, (event) => {
        if (event.type === 'media.viewer' && event.action === 'joined') viewers++;
      });
      expect((await page.liveListStore.joinLive(live.liveId)).isSuccess, `${userId} joins again`).to.equal(
        true,
      );
      if (late) {
        // A viewer watched the new page again before its media ran: that event is gone for it.
        await waitUntil(() => viewers > 0, 'a viewer watches the new page');
        fresh.start();
      }
      off();
      return { page, fresh };
    }

    for (const late of [false, true]) {
      it(`a publisher's reloaded page sends to its viewers again, on one connection each (its media starting ${late ? 'after' : 'before'} the join)`, async () => {
        live = await startLive({ audience: ['guest', 'viewer'] });
        await live.seat('guest');
        const old = media('guest');
        const viewer = media('viewer');
        expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
        const before = await remoteOf(viewer, 'guest');
        await playing(show(before));
        await waitFor(viewer.viewerStatus, (value) => value.get('guest') === 'live', 'the viewer is live');
        const open = openConnections().length;

        const { page, fresh } = await reload('guest', { late });
        expect((await DeviceStore.for(page).openLocalCamera()).isSuccess).to.equal(true);
        await waitUntil(
          () => fresh.connections.publishing.includes('viewer'),
          'the new page sends to the viewer',
        );
        const streams = await waitFor(
          viewer.remoteStreams,
          (value) => value.get('guest') !== before && hasVideo(value.get('guest')),
          "the new page's video",
        );
        await playing(show(streams.get('guest')!));
        expect(viewer.connections.watching).to.deep.equal(['guest']);
        expect(viewer.viewerStatus.get().get('guest')).to.equal('live');
        expect(fresh.connections.publishing).to.deep.equal(['viewer']);
        // The old page is gone in a real reload, its connections with it: then one is left, as before.
        old.stop();
        await waitUntil(() => openConnections().length === open, 'as many connections as before');
      });
    }

    it("a viewer's reloaded page gets the publisher's video on its first watch", async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      const guest = media('guest');
      const old = media('viewer');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await waitUntil(() => guest.connections.publishing.includes('viewer'), 'the guest sends to the viewer');
      const open = openConnections().length;

      const asked: string[] = [];
      const { fresh } = await reload('viewer', { asked });
      await playing(show(await remoteOf(fresh, 'guest')));
      await waitFor(fresh.viewerStatus, (value) => value.get('guest') === 'live', 'the new page is live');
      // One watch, answered at once: the old page's pair ended with it, so nothing waited for a retry.
      expect(asked.filter((request) => request.endsWith(' guest'))).to.deep.equal(['media.watch guest']);
      // The guest replaced its connection to the old page: once that page is gone, one is left.
      expect(guest.connections.publishing).to.deep.equal(['viewer']);
      old.stop();
      await waitUntil(() => openConnections().length === open, 'as many connections as before');
    });

    it('10 drop and resume cycles of the viewer and the publisher leave no connection, listener or subscription behind', async function () {
      this.timeout(90_000);
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      const viewerSubscriptions = countSubscriptions(live.session('viewer'));
      const guestSubscriptions = countSubscriptions(live.session('guest'));
      const guest = media('guest');
      const viewer = media('viewer');
      const host = media('host');
      expect((await devices('guest').openLocalCamera()).isSuccess).to.equal(true);
      await remoteOf(viewer, 'guest');
      await remoteOf(host, 'guest');
      await waitFor(
        viewer.viewerStatus,
        (value) => value.get('host') === 'live',
        'the viewer watches the host',
      );
      await waitFor(
        viewer.viewerStatus,
        (value) => value.get('guest') === 'live',
        'the viewer watches the guest',
      );
      const open = openConnections().length;
      const listeners = new Map(streamListeners);
      const subscribed = [viewerSubscriptions(), guestSubscriptions()];

      for (let cycle = 0; cycle < 10; cycle++) {
        await dropAndResume(cycle % 2 === 0 ? 'viewer' : 'guest');
        await waitFor(
          viewer.viewerStatus,
          (value) => value.get('guest') === 'live' && value.get('host') === 'live',
          `cycle ${cycle}: live again`,
        );
        await remoteOf(viewer, 'guest');
        await waitUntil(
          () => openConnections().length === open,
          `cycle ${cycle}: as many connections as before`,
        );
      }

      expect(guest.connections.publishing).to.have.members(['host', 'viewer']);
      expect(viewer.connections).to.deep.equal({ publishing: [], watching: ['host', 'guest'] });
      expect(Object.fromEntries(streamListeners)).to.deep.equal(Object.fromEntries(listeners));
      expect([viewerSubscriptions(), guestSubscriptions()]).to.deep.equal(subscribed);
    });
  });

  describe('leaks', () => {
    it('20 seat cycles leave no connection, listener, stream or capture behind', async function () {
      this.timeout(90_000);
      // Twenty applications within a minute: above the room's default limit of ten.
      live = await startLive({
        audience: ['guest', 'viewer'],
        hub: { roomLimits: { maxApplicationsPerMinute: 40 } },
      });
      const subscriptions = countSubscriptions(live.session('viewer'));
      const guestSubscriptions = countSubscriptions(live.session('guest'));
      const guest = media('guest');
      const viewer = media('viewer');
      media('host');
      await waitFor(
        viewer.viewerStatus,
        (value) => value.get('host') === 'live',
        'the viewer watches the host',
      );
      const open = openConnections().length;
      const listeners = new Map(streamListeners);
      const subscribed = [subscriptions(), guestSubscriptions()];
      const captured: MediaStreamTrack[] = [];

      for (let cycle = 0; cycle < 20; cycle++) {
        await live.seat('guest');
        const guestDevices = devices('guest');
        expect((await guestDevices.openLocalCamera()).isSuccess, `cycle ${cycle}: camera`).to.equal(true);
        expect((await guestDevices.openLocalMicrophone()).isSuccess, `cycle ${cycle}: mic`).to.equal(true);
        captured.push(...(guestDevices.localStream.get()?.getTracks() ?? []));
        await remoteOf(viewer, 'guest');
        const left =
          cycle % 2 === 0
            ? await live.session('guest').liveSeatStore(live.liveId).leaveSeat()
            : await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('guest');
        expect(left.isSuccess, `cycle ${cycle}: off the seat`).to.equal(true);
        await waitFor(viewer.remoteStreams, (value) => !value.has('guest'), `cycle ${cycle}: stream gone`);
        await waitUntil(() => openConnections().length === open, `cycle ${cycle}: connections closed`);
      }

      expect(guest.connections).to.deep.equal({ publishing: [], watching: ['host'] });
      expect(viewer.connections).to.deep.equal({ publishing: [], watching: ['host'] });
      expect(viewer.remoteStreams.get().size).to.equal(0);
      expect(Object.fromEntries(streamListeners)).to.deep.equal(Object.fromEntries(listeners));
      expect([subscriptions(), guestSubscriptions()]).to.deep.equal(subscribed);
      expect(captured.length).to.equal(40);
      expect(captured.filter((track) => track.readyState !== 'ended')).to.have.length(0);
    });
  });
});
