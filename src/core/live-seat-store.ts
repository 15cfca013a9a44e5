import type { ReadableAtom } from 'nanostores';
import type { CommandName, DataOf } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type {
  Device,
  DeviceStatus,
  LiveEvent,
  LiveInfo,
  MoveSeatPolicy,
  SeatInfo,
} from '../protocol/types.js';
import type { LiveArgs, SessionContext } from './context.js';
import { ListenerSet } from './listeners.js';
import { getDefaultSession } from './default-session.js';

/** What a host did to the viewer's devices (Tencent `LiveSeatEvent`). Implement any subset. */
export interface LiveSeatListener {
  /** A host turned the viewer's microphone off. */
  onLocalMicrophoneClosedByAdmin?(): void;
  /** A host allowed the viewer to open their microphone again (it stays off until they open it). */
  onLocalMicrophoneOpenedByAdmin?(): void;
  /** A host forbade the viewer to open their microphone. */
  onLocalMicrophoneForbiddenByAdmin?(): void;
  /** A host turned the viewer's camera off. */
  onLocalCameraClosedByAdmin?(): void;
  /** A host allowed the viewer to open their camera again (it stays off until they open it). */
  onLocalCameraOpenedByAdmin?(): void;
  /** A host forbade the viewer to open their camera. */
  onLocalCameraForbiddenByAdmin?(): void;
}

/** Options of `closeRemoteMicrophone` / `closeRemoteCamera`. */
export interface CloseRemoteDeviceOptions {
  /** Also forbid the user to open the device again until `openRemote…` (locks it). Default `false`. */
  readonly forbid?: boolean;
}

const ADMIN_EVENTS = {
  microphone: {
    closed: 'onLocalMicrophoneClosedByAdmin',
    allowed: 'onLocalMicrophoneOpenedByAdmin',
    forbidden: 'onLocalMicrophoneForbiddenByAdmin',
  },
  camera: {
    closed: 'onLocalCameraClosedByAdmin',
    allowed: 'onLocalCameraOpenedByAdmin',
    forbidden: 'onLocalCameraForbiddenByAdmin',
  },
} as const;

/**
 * The seats of one live (Tencent `LiveSeatStore`): who sits where, locks, moves, kicks, and the
 * hosts' control over guests' devices. Get it from `session.liveSeatStore(liveId)` or
 * `LiveSeatStore.create(liveId)`.
 */
export class LiveSeatStore {
  /** The store of `liveId` on the page's default session (the same instance on every call). */
  static create(liveId: string): LiveSeatStore {
    return getDefaultSession().liveSeatStore(liveId);
  }

  /** The live this store is about. */
  readonly liveId: string;
  /** Every seat in index order; `userInfo` is `null` for an empty seat. */
  readonly seatList: ReadableAtom<readonly SeatInfo[]>;
  /** The live's settings (seat mode, seat count, owner), or `null` before the session joined it. */
  readonly liveInfo: ReadableAtom<LiveInfo | null>;
  /** Whether the live ended while the session was in it. */
  readonly liveEnded: ReadableAtom<boolean>;

  readonly #context: SessionContext;
  readonly #listeners: ListenerSet<LiveSeatListener>;

  /** @internal Created by its session. */
  constructor(context: SessionContext, liveId: string) {
    this.#context = context;
    this.liveId = liveId;
    const replica = context.replica(liveId);
    this.seatList = replica.$seats;
    this.liveInfo = replica.$live;
    this.liveEnded = replica.$ended;
    this.#listeners = new ListenerSet(context.report);
    replica.onEvent((event) => this.#dispatch(event));
  }

  /** Takes a seat (`-1`: any free one). In `apply` seat mode only managers may; others use `applyForSeat`. */
  takeSeat(seatIndex: number): Promise<Result> {
    return this.#command('seat.take', { seatIndex });
  }

  /** Leaves the viewer's seat. */
  leaveSeat(): Promise<Result> {
    return this.#command('seat.leave', {});
  }

  /** Locks a seat: nobody may take it (managers). */
  lockSeat(seatIndex: number): Promise<Result> {
    return this.#command('seat.lock', { seatIndex, lockSeat: true });
  }

  /** Unlocks a seat (managers). */
  unlockSeat(seatIndex: number): Promise<Result> {
    return this.#command('seat.lock', { seatIndex, lockSeat: false });
  }

  /** Takes `userId` off their seat; they get `onKickedOffSeat` (managers). */
  kickUserOutOfSeat(userId: string): Promise<Result> {
    return this.#command('seat.kick', { userId });
  }

  /** Moves a seated user to `targetIndex` (managers). */
  moveUserToSeat(
    userId: string,
    targetIndex: number,
    policy: MoveSeatPolicy = 'abortWhenOccupied',
  ): Promise<Result> {
    return this.#command('seat.move', { userId, targetIndex, policy });
  }

  /** Allows `userId` to open their microphone again. It never turns the microphone on (privacy). */
  openRemoteMicrophone(userId: string): Promise<Result> {
    return this.#setAllowed(userId, 'microphone', true);
  }

  /** Allows `userId` to open their camera again. It never turns the camera on (privacy). */
  openRemoteCamera(userId: string): Promise<Result> {
    return this.#setAllowed(userId, 'camera', true);
  }

  /** Turns `userId`'s microphone off; with `forbid`, also forbids opening it again. */
  closeRemoteMicrophone(userId: string, options: CloseRemoteDeviceOptions = {}): Promise<Result> {
    return this.#closeRemote(userId, 'microphone', options.forbid === true);
  }

  /** Turns `userId`'s camera off; with `forbid`, also forbids opening it again. */
  closeRemoteCamera(userId: string, options: CloseRemoteDeviceOptions = {}): Promise<Result> {
    return this.#closeRemote(userId, 'camera', options.forbid === true);
  }

  /** Publishes the viewer's microphone as off (Tencent `muteMicrophone`). */
  muteMicrophone(): Promise<Result> {
    return this.publishDeviceStatus({ microphone: 'off' });
  }

  /** Publishes the viewer's microphone as on (Tencent `unmuteMicrophone`). */
  unmuteMicrophone(): Promise<Result> {
    return this.publishDeviceStatus({ microphone: 'on' });
  }

  /** Publishes the viewer's device status on their seat (used by the device layer). */
  publishDeviceStatus(status: {
    readonly microphone?: DeviceStatus;
    readonly camera?: DeviceStatus;
  }): Promise<Result> {
    return this.#command('device.publish', { ...status });
  }

  /** Adds a seat listener. */
  addLiveSeatEventListener(listener: LiveSeatListener): void {
    this.#listeners.add(listener);
  }

  /** Removes a seat listener. */
  removeLiveSeatEventListener(listener: LiveSeatListener): void {
    this.#listeners.remove(listener);
  }

  #command<N extends CommandName>(name: N, args: LiveArgs<N>): Promise<Result<DataOf<N>>> {
    return this.#context.liveCommand(this.liveId, name, args);
  }

  #setAllowed(userId: string, device: Device, allowed: boolean): Promise<Result> {
    return this.#command('device.setRemoteAllowed', { userId, device, allowed });
  }

  async #closeRemote(userId: string, device: Device, forbid: boolean): Promise<Result> {
    const closed = await this.#command('device.closeRemote', { userId, device });
    if (!closed.isSuccess || !forbid) return closed;
    return this.#setAllowed(userId, device, false);
  }

  #dispatch(event: LiveEvent): void {
    if (event.type !== 'device.admin' || event.userId !== this.#context.$user.get()?.userId) return;
    this.#listeners.emit(ADMIN_EVENTS[event.device][event.action]);
  }
}
