import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * A clock for countdowns and waiting times: `now()` reads the given clock (a session's
 * `serverNow`, so deadlines set by the server compare correctly), and while the controller is
 * `running` and its host is connected, the host updates once per second, on the second.
 *
 * ```ts
 * #clock = new ClockController(this, () => this.#live.session.serverNow());
 * willUpdate() { this.#clock.running = deadline !== null; }
 * render() { return html`${secondsLeft(deadline, this.#clock.now())}`; }
 * ```
 */
export class ClockController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #clock: () => number;
  #running = false;
  #connected = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(host: ReactiveControllerHost, clock: () => number = Date.now) {
    this.#host = host;
    this.#clock = clock;
    host.addController(this);
  }

  /** The current time of the clock (epoch ms). */
  now(): number {
    return this.#clock();
  }

  /** Whether the host updates every second. */
  get running(): boolean {
    return this.#running;
  }

  set running(value: boolean) {
    if (value === this.#running) return;
    this.#running = value;
    this.#schedule();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#schedule();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#running || !this.#connected) return;
    // Wake just after the next whole second of the clock, so every countdown on the page ticks together.
    const delay = 1000 - (this.#clock() % 1000) + 5;
    this.#timer = setTimeout(() => {
      this.#host.requestUpdate();
      this.#schedule();
    }, delay);
  }
}

/** Whole seconds left until `deadline` (rounded up, never negative); `null` for no deadline. */
export function secondsLeft(deadline: number | null, now: number): number | null {
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** A duration for people: `m:ss` under an hour, `h:mm:ss` above (`0:07`, `12:30`, `1:02:03`). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
