import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ADMIN, ALL, expectFail, expectOk, only, OWNER, setup, to } from './harness.js';

function withGuest() {
  const h = setup({ seatMode: 'free' });
  expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
  h.take();
  const seat = () => h.room.snapshotFor('alice').seats[1]!;
  return { ...h, seat };
}

describe('LiveRoom devices', () => {
  describe('device.publish', () => {
    it('opens and closes the user’s own devices and emits the seats', () => {
      const h = withGuest();
      expectOk(h.run('alice', 'device.publish', { microphone: 'on' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [['seats', ALL]],
      );
      assert.equal(only(events, 'seats').event.seats[1]?.userInfo?.microphoneStatus, 'on');
      assert.equal(h.seat().userInfo?.cameraStatus, 'off');
      expectOk(h.run('alice', 'device.publish', { microphone: 'off', camera: 'on' }));
      assert.equal(h.seat().userInfo?.microphoneStatus, 'off');
      assert.equal(h.seat().userInfo?.cameraStatus, 'on');
    });

    it('emits nothing when nothing changes', () => {
      const h = withGuest();
      expectOk(h.run('alice', 'device.publish', { microphone: 'off' }));
      expectOk(h.run('alice', 'device.publish', {}));
      assert.deepEqual(h.take(), []);
    });

    it('needs a seat (NOT_ON_SEAT)', () => {
      const h = withGuest();
      expectFail(h.run('bob', 'device.publish', { microphone: 'on' }), ErrorCode.NOT_ON_SEAT);
    });

    it('refuses opening on a locked seat (MICROPHONE_LOCKED, CAMERA_LOCKED), changing nothing', () => {
      const h = withGuest();
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockAudio: true }));
      expectFail(h.run('alice', 'device.publish', { microphone: 'on' }), ErrorCode.MICROPHONE_LOCKED);
      expectFail(
        h.run('alice', 'device.publish', { camera: 'on', microphone: 'on' }),
        ErrorCode.MICROPHONE_LOCKED,
      );
      assert.equal(h.seat().userInfo?.cameraStatus, 'off', 'all or nothing');
      expectOk(h.run('alice', 'device.publish', { microphone: 'off' }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockAudio: false, lockVideo: true }));
      expectFail(h.run('alice', 'device.publish', { camera: 'on' }), ErrorCode.CAMERA_LOCKED);
      expectOk(h.run('alice', 'device.publish', { microphone: 'on' }));
    });
  });

  describe('device.closeRemote', () => {
    it('forces the device off and tells the user', () => {
      const h = withGuest();
      expectOk(h.run('alice', 'device.publish', { microphone: 'on', camera: 'on' }));
      h.take();
      expectOk(h.run('admin', 'device.closeRemote', { userId: 'alice', device: 'camera' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['device.admin', to('alice')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'device.admin',
        userId: 'alice',
        device: 'camera',
        action: 'closed',
        by: ADMIN,
      });
      assert.equal(h.seat().userInfo?.cameraStatus, 'off');
      assert.equal(h.seat().userInfo?.microphoneStatus, 'on');
      assert.equal(h.seat().userInfo?.allowOpenCamera, true, 'closing is not forbidding');
      expectOk(h.run('alice', 'device.publish', { camera: 'on' }));
    });

    it('does nothing for a device already off', () => {
      const h = withGuest();
      expectOk(h.run('owner', 'device.closeRemote', { userId: 'alice', device: 'microphone' }));
      assert.deepEqual(h.take(), []);
    });

    it('refuses the audience and an unseated target', () => {
      const h = withGuest();
      expectFail(
        h.run('bob', 'device.closeRemote', { userId: 'alice', device: 'camera' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('owner', 'device.closeRemote', { userId: 'bob', device: 'camera' }),
        ErrorCode.NOT_ON_SEAT,
      );
    });
  });

  describe('device.setRemoteAllowed', () => {
    it('forbidding locks the seat’s device and forces it off; allowing unlocks but never opens', () => {
      const h = withGuest();
      expectOk(h.run('alice', 'device.publish', { microphone: 'on' }));
      h.take();
      expectOk(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'microphone', allowed: false }),
      );
      let events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['device.admin', to('alice')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'device.admin',
        userId: 'alice',
        device: 'microphone',
        action: 'forbidden',
        by: OWNER,
      });
      assert.equal(h.seat().isAudioLocked, true);
      assert.equal(h.seat().userInfo?.allowOpenMicrophone, false);
      assert.equal(h.seat().userInfo?.microphoneStatus, 'off');
      expectFail(h.run('alice', 'device.publish', { microphone: 'on' }), ErrorCode.MICROPHONE_LOCKED);

      expectOk(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'microphone', allowed: true }),
      );
      events = h.take();
      assert.equal(only(events, 'device.admin').event.action, 'allowed');
      assert.equal(h.seat().isAudioLocked, false);
      assert.equal(h.seat().userInfo?.allowOpenMicrophone, true);
      assert.equal(h.seat().userInfo?.microphoneStatus, 'off', 'the host never turns a device on');
    });

    it('works for the camera and emits nothing when unchanged', () => {
      const h = withGuest();
      expectOk(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: true }),
      );
      assert.deepEqual(h.take(), []);
      expectOk(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: false }),
      );
      assert.equal(h.seat().isVideoLocked, true);
      assert.equal(h.seat().userInfo?.allowOpenCamera, false);
      assert.equal(only(h.take(), 'device.admin').event.device, 'camera');
    });

    it('refuses the audience and an unseated target', () => {
      const h = withGuest();
      expectFail(
        h.run('alice', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: true }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'carol', device: 'camera', allowed: false }),
        ErrorCode.NOT_ON_SEAT,
      );
    });
  });
});
