import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { en, errorMessage, type ErrorArea, type PlainMessage } from '../../src/i18n/messages.js';
import { ErrorCode } from '../../src/protocol/errors.js';

const AREAS: readonly ErrorArea[] = ['apply', 'invitation', 'session', 'camera', 'microphone', 'screen'];

describe('errorMessage', () => {
  it('words each failure for the area that shows it', () => {
    const table: [code: ErrorCode, area: ErrorArea, expected: PlainMessage][] = [
      [ErrorCode.SEAT_OCCUPIED, 'apply', 'apply.seatTaken'],
      [ErrorCode.SEAT_OCCUPIED, 'invitation', 'invitation.seatUnavailable'],
      [ErrorCode.ALL_SEATS_OCCUPIED, 'apply', 'apply.allSeatsTaken'],
      [ErrorCode.SEAT_LOCKED, 'apply', 'apply.seatLocked'],
      [ErrorCode.SEAT_LOCKED, 'invitation', 'invitation.seatUnavailable'],
      [ErrorCode.LIVE_ENDED, 'apply', 'apply.liveEnded'],
      [ErrorCode.LIVE_ENDED, 'invitation', 'invitation.gone'],
      [ErrorCode.LIVE_ENDED, 'session', 'session.liveNotFound'],
      [ErrorCode.ALREADY_INVITED, 'apply', 'apply.alreadyInvited'],
      [ErrorCode.RATE_LIMITED, 'apply', 'apply.tooManyRequests'],
      [ErrorCode.LIMIT_EXCEEDED, 'apply', 'apply.tooManyRequests'],
      [ErrorCode.REQUEST_NOT_FOUND, 'invitation', 'invitation.gone'],
      [ErrorCode.INVALID_ARGUMENT, 'session', 'session.invalidSettings'],
      [ErrorCode.LIVE_NOT_FOUND, 'session', 'session.liveNotFound'],
      [ErrorCode.LIVE_ID_OCCUPIED, 'session', 'session.liveIdTaken'],
      [ErrorCode.LIVE_FULL, 'session', 'session.liveFull'],
      [ErrorCode.CAMERA_NOT_AUTHORIZED, 'camera', 'device.cameraDenied'],
      [ErrorCode.MICROPHONE_NOT_AUTHORIZED, 'microphone', 'device.microphoneDenied'],
      [ErrorCode.CAMERA_NOT_FOUND, 'camera', 'device.cameraNotFound'],
      [ErrorCode.MICROPHONE_NOT_FOUND, 'microphone', 'device.microphoneNotFound'],
      [ErrorCode.CAMERA_OCCUPIED, 'camera', 'device.cameraBusy'],
      [ErrorCode.MICROPHONE_OCCUPIED, 'microphone', 'device.microphoneBusy'],
      [ErrorCode.CAMERA_START_FAILED, 'camera', 'device.cameraFailed'],
      [ErrorCode.MICROPHONE_START_FAILED, 'microphone', 'device.microphoneFailed'],
      [ErrorCode.SCREEN_SHARE_FAILED, 'screen', 'device.screenFailed'],
      [ErrorCode.CAMERA_LOCKED, 'camera', 'device.cameraLocked'],
      [ErrorCode.MICROPHONE_LOCKED, 'microphone', 'device.microphoneLocked'],
      [ErrorCode.NOT_SUPPORTED, 'camera', 'device.cameraUnsupported'],
      [ErrorCode.NOT_SUPPORTED, 'microphone', 'device.microphoneUnsupported'],
      [ErrorCode.NOT_SUPPORTED, 'screen', 'device.screenUnsupported'],
    ];
    for (const [code, area, expected] of table) {
      assert.equal(errorMessage(code, area), expected, `${code} in ${area}`);
    }
  });

  it('says the connection failed, and on <live-session> whether the server or the sign-in did', () => {
    const connection: [area: ErrorArea, expected: PlainMessage][] = [
      ['apply', 'apply.connectionError'],
      ['invitation', 'invitation.connectionError'],
      ['camera', 'device.connectionError'],
      ['microphone', 'device.connectionError'],
      ['screen', 'device.connectionError'],
    ];
    for (const code of [ErrorCode.DISCONNECTED, ErrorCode.SERVER_TIMEOUT, ErrorCode.NOT_LOGGED_IN]) {
      for (const [area, expected] of connection)
        assert.equal(errorMessage(code, area), expected, `${code} in ${area}`);
    }
    assert.equal(errorMessage(ErrorCode.DISCONNECTED, 'session'), 'session.unreachable');
    assert.equal(errorMessage(ErrorCode.SERVER_TIMEOUT, 'session'), 'session.unreachable');
    assert.equal(errorMessage(ErrorCode.NOT_LOGGED_IN, 'session'), 'session.signInFailed');
  });

  it('tells on <live-session> a refused sign-in, a failing token URL and an unreachable server apart', () => {
    const keys = [ErrorCode.NOT_LOGGED_IN, ErrorCode.TOKEN_URL_FAILED, ErrorCode.DISCONNECTED].map((code) =>
      errorMessage(code, 'session'),
    );
    assert.deepEqual(keys, ['session.signInFailed', 'session.tokenUrlFailed', 'session.unreachable']);
    assert.equal(new Set(keys.map((key) => en[key])).size, 3, 'three different texts');
  });

  it("gives the screen its one text for the camera's and microphone's failures", () => {
    for (const code of [
      ErrorCode.CAMERA_NOT_AUTHORIZED,
      ErrorCode.MICROPHONE_NOT_FOUND,
      ErrorCode.CAMERA_LOCKED,
    ]) {
      assert.equal(errorMessage(code, 'screen'), 'device.screenFailed', `${code}`);
    }
  });

  it("falls back to each area's own text for a code it does not word, or an unknown one", () => {
    const fallback: Record<ErrorArea, PlainMessage> = {
      apply: 'apply.failed',
      invitation: 'invitation.failed',
      session: 'session.failed',
      camera: 'device.failed',
      microphone: 'device.failed',
      screen: 'device.failed',
    };
    for (const area of AREAS) {
      for (const code of [ErrorCode.SERVER_ERROR, ErrorCode.NO_PERMISSION, 12345]) {
        assert.equal(errorMessage(code, area), fallback[area], `${code} in ${area}`);
      }
    }
    assert.equal(errorMessage(ErrorCode.SEAT_OCCUPIED, 'session'), 'session.failed');
    assert.equal(errorMessage(ErrorCode.LIVE_FULL, 'apply'), 'apply.failed');
  });

  it('names only keys of the catalog', () => {
    for (const code of Object.values(ErrorCode)) {
      for (const area of AREAS) assert.ok(Object.hasOwn(en, errorMessage(code, area)), `${code} in ${area}`);
    }
  });
});
