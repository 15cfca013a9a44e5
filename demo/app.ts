/**
 * The demo app: a landing page to start or join a live, then the host's or the viewer's view of
 * it, built from the kit's elements inside one `<live-session>`. It renders into the light DOM so
 * that demo.css styles it; every user-given string is bound as text or as an attribute, never as
 * markup.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { createSession, type Session } from '../src/core/session.js';
// Registers the kit's elements, which the templates below use.
import '../src/index.js';
import type { SessionErrorEvent, SessionReadyEvent } from '../src/elements/live-session/live-session.js';
import type { ApplyRequestEvent } from '../src/elements/apply-button/apply-button.js';
import type { InvitationAcceptEvent } from '../src/elements/invitation-prompt/invitation-prompt.js';
import type { PreJoinConfirmEvent } from '../src/elements/pre-join-check/pre-join-check.js';
import { NOTIFICATION_KINDS } from '../src/elements/live-notifications/live-notifications.js';
import { setLocale } from '../src/i18n/index.js';
import { DeviceStore } from '../src/media/device-store.js';
import type { SeatUserInfo } from '../src/protocol/types.js';
import {
  avatarOrNull,
  devicesOf,
  liveInAddress,
  loadDeviceChoice,
  loadEntry,
  loadProfile,
  MAX_NAME_LENGTH,
  parseLiveInput,
  randomId,
  saveDeviceChoice,
  saveEntry,
  savePreference,
  saveProfile,
  shareLink,
  tabUserId,
  type DeviceChoice,
  type Entry,
} from './state.js';
import { isDemoLocale, LANGUAGES, stringsFor, type DemoLocale, type DemoStrings } from './strings.js';
import { applyTheme, nextTheme, type ThemeMode } from './theme.js';

/** Which form field an error belongs to. */
type FieldError = { readonly field: 'name' | 'avatar' | 'live'; readonly text: keyof DemoStrings } | null;

/**
 * The toasts the demo shows: all but the end of the live, which the stage says (one ended state), and
 * an invitation, which `<invitation-prompt>` shows in a dialog.
 */
const TOASTS = NOTIFICATION_KINDS.filter(
  (kind) => kind !== 'live-ended' && kind !== 'invitation-received',
).join(' ');

/** Seats of the lives the demo creates: 7 gives the float layout (the host large, guests beside). */
const SEATS = 7;

/** What a viewer's check of the devices is for: asking for a seat, or accepting an invitation. */
type SeatCheck = { readonly kind: 'apply' } | { readonly kind: 'invitation'; readonly inviterId: string };

/** Whether this browser can share the screen (phones cannot). */
function canShareScreen(): boolean {
  return typeof (navigator.mediaDevices as Partial<MediaDevices> | undefined)?.getDisplayMedia === 'function';
}

/** The own seat in a seat list, or `null`. */
function ownSeat(session: Session, liveId: string): SeatUserInfo | null {
  const userId = session.loginStore.loginUserInfo.get()?.userId;
  if (userId === undefined) return null;
  const seats = session.liveSeatStore(liveId).seatList.get();
  return seats.find((seat) => seat.userInfo?.userId === userId)?.userInfo ?? null;
}

@customElement('demo-app')
export class DemoApp extends LitElement {
  /** The page's language. */
  @state() locale: DemoLocale = 'en';
  /** The theme the toggle shows. */
  @state() theme: ThemeMode = 'system';

  /** The live this tab is in, or `null` on the landing page. */
  @state() private entry: Entry | null = null;
  /** A live named in the address that this tab has not entered (a shared link). */
  @state() private invitedTo: string | null = null;
  /** What the server says of `invitedTo`: its title and host, `'missing'`, or `null` until it answers. */
  @state() private invitation: { readonly title: string; readonly host: string } | 'missing' | null = null;
  @state() private fieldError: FieldError = null;
  /** The session once `<live-session>` is ready. */
  @state() private session: Session | null = null;
  @state() private seated = false;
  @state() private ended = false;
  @state() private failed = false;
  @state() private liveTitle = '';
  @state() private copyStatus: 'copied' | 'failed' | null = null;
  /** A new host's session while its page checks the devices, before the live starts. */
  @state() private checkSession: Session | null = null;
  /** The viewer's check of the devices before taking a seat, while it is open. */
  @state() private seatCheck: SeatCheck | null = null;
  /** The devices the viewer last chose (remembered for the tab when they asked not to be asked). */
  @state() private deviceChoice: DeviceChoice | null = loadDeviceChoice();

  readonly #userId = tabUserId();
  /** Undone when the tab leaves the live. */
  #cleanups: (() => void)[] = [];
  /** The session that looks `invitedTo` up (signed in, in no live), while it does. */
  #preview: Session | null = null;
  readonly #onPopState = (): void => this.#route();
  /** The next `apply-request` comes from the check's confirm: let it through. */
  #applyChecked = false;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.#onPopState);
    this.#route();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.#onPopState);
    this.#forgetSession();
    void this.#lookUp(null);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale')) {
      setLocale(this.locale);
      document.documentElement.lang = this.locale;
    }
    if (changed.has('theme')) applyTheme(document.documentElement, this.theme);
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has('seatCheck')) return;
    const dialog = this.querySelector<HTMLDialogElement>('dialog.seat-check');
    if (this.seatCheck !== null && dialog?.open === false) dialog.showModal();
    if (this.seatCheck === null && dialog?.open === true) dialog.close();
  }

  protected override render(): TemplateResult {
    const t = stringsFor(this.locale);
    return html`<header class="app-bar">
        <a class="brand" href="/" @click=${this.#onHome}>
          <span class="brand-mark" aria-hidden="true"></span>
          <span class="brand-name">${t.brand}</span>
          <span class="brand-tagline">${t.tagline}</span>
        </a>
        <div class="app-bar-tools">
          <label class="language">
            <span class="visually-hidden">${t.language}</span>
            <select name="language" @change=${this.#onLanguage}>
              ${LANGUAGES.map(
                (language) =>
                  html`<option value=${language.code} ?selected=${language.code === this.locale}>
                    ${language.name}
                  </option>`,
              )}
            </select>
          </label>
          <button type="button" class="ghost theme-toggle" @click=${this.#onTheme}>
            <span class="theme-icon" aria-hidden="true"></span
            ><span class="theme-label">${this.#themeLabel(t)}</span>
          </button>
        </div>
      </header>
      <main id="main">${this.entry === null ? this.#landing(t) : this.#liveView(t, this.entry)}</main>
      <footer class="app-footer"><p>${t.devNote}</p></footer>`;
  }

  // ── landing ─────────────────────────────────────────────────────────────────────────────────

  #landing(t: DemoStrings): TemplateResult {
    const profile = loadProfile();
    const invited = this.invitedTo;
    const error = this.fieldError;
    const errorFor = (field: 'name' | 'avatar' | 'live') =>
      error?.field === field
        ? html`<p class="field-error" id=${`${field}-error`} role="alert">${t[error.text]}</p>`
        : nothing;
    const found = typeof this.invitation === 'object' ? this.invitation : null;
    return html`<section class="hero">
        <h1>${invited === null ? t.landingTitle : (found?.title ?? t.invitedTo)}</h1>
        ${
          invited === null
            ? html`<p class="lead">${t.landingLead}</p>`
            : html`${
                  found === null
                    ? nothing
                    : html`<p class="lead host-line">${t.hostedBy.replace('{name}', () => found.host)}</p>`
                }
                <p class="lead">${t.liveId}: <code class="live-code">${invited}</code></p>
                ${
                  this.invitation === 'missing'
                    ? html`<p class="lead missing" role="status">${t.liveMissing}</p>`
                    : nothing
                }`
        }
      </section>
      <form class="landing" novalidate @submit=${this.#onSubmit}>
        <fieldset class="card profile">
          <legend>${t.profileTitle}</legend>
          <label class="field">
            <span>${t.nameLabel}</span>
            <input
              name="userName"
              autocomplete="nickname"
              required
              maxlength=${MAX_NAME_LENGTH}
              placeholder=${t.namePlaceholder}
              value=${profile.userName}
              aria-invalid=${error?.field === 'name' ? 'true' : 'false'}
              aria-describedby=${error?.field === 'name' ? 'name-error' : ''}
            />
          </label>
          ${errorFor('name')}
          <label class="field">
            <span>${t.avatarLabel}</span>
            <input
              name="avatarUrl"
              type="url"
              inputmode="url"
              placeholder="https://"
              value=${profile.avatarUrl}
              aria-invalid=${error?.field === 'avatar' ? 'true' : 'false'}
              aria-describedby=${error?.field === 'avatar' ? 'avatar-error' : 'avatar-hint'}
            />
          </label>
          <p class="hint" id="avatar-hint">${t.avatarHint}</p>
          ${errorFor('avatar')}
        </fieldset>
        ${
          invited === null
            ? html`<section class="card host" aria-labelledby="host-title">
                  <h2 id="host-title">${t.hostTitle}</h2>
                  <p>${t.hostLead}</p>
                  <label class="field">
                    <span>${t.liveNameLabel}</span>
                    <input name="liveName" maxlength="64" placeholder=${t.liveNamePlaceholder} />
                  </label>
                  <button class="primary" name="action" value="host">${t.startLive}</button>
                </section>
                <section class="card join" aria-labelledby="join-title">
                  <h2 id="join-title">${t.joinTitle}</h2>
                  <p>${t.joinLead}</p>
                  <label class="field">
                    <span>${t.joinLabel}</span>
                    <input
                      name="live"
                      placeholder=${t.joinPlaceholder}
                      autocomplete="off"
                      aria-invalid=${error?.field === 'live' ? 'true' : 'false'}
                      aria-describedby=${error?.field === 'live' ? 'live-error' : ''}
                    />
                  </label>
                  ${errorFor('live')}
                  <button class="secondary" name="action" value="join">${t.joinLive}</button>
                </section>`
            : html`<section class="card join" aria-labelledby="join-title">
                <h2 id="join-title">${t.joinTitle}</h2>
                <p>${t.viewerLead}</p>
                <input type="hidden" name="live" .value=${invited} />
                <button class="primary" name="action" value="join">${t.joinLive}</button>
              </section>`
        }
      </form>`;
  }

  // ── a live ──────────────────────────────────────────────────────────────────────────────────

  #liveView(t: DemoStrings, entry: Entry): TemplateResult {
    const host = entry.role === 'host';
    const server = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    // A new host checks the devices first: the element only signs in (no live-id) until "Go live"
    // names the live, which it then creates on the same session, with the devices of the check.
    const checking = host && entry.fresh;
    // join-timeout 0: a link names a live that started; one that is not there fails at once, saying
    // why, with Retry (a host's page creates its live and never waits).
    return html`<live-session
      class="live"
      server-url=${server}
      token-url="/dev/token"
      user-id=${this.#userId}
      user-name=${entry.userName}
      avatar-url=${entry.avatarUrl}
      live-id=${checking ? '' : entry.liveId}
      live-role=${checking ? 'audience' : entry.role}
      live-name=${entry.liveName}
      max-seats=${SEATS}
      join-timeout="0"
      @session-ready=${this.#onReady}
      @session-error=${this.#onError}
    >
      ${checking ? this.#hostCheck(t) : this.#liveLayout(t, entry)}
    </live-session>`;
  }

  /** A new host's check of the camera and microphone, before "Go live" starts the live. */
  #hostCheck(t: DemoStrings): TemplateResult {
    const session = this.checkSession;
    return html`<section class="card prejoin-card" aria-labelledby="prejoin-title">
      <h1 id="prejoin-title">${t.prejoinHostTitle}</h1>
      <p>${t.prejoinHostLead}</p>
      ${
        session === null
          ? nothing
          : html`<pre-join-check
              .session=${session}
              confirm-label=${t.goLive}
              @pre-join-confirm=${this.#onGoLive}
              @pre-join-cancel=${this.#exit}
            ></pre-join-check>`
      }
    </section>`;
  }

  #liveLayout(t: DemoStrings, entry: Entry): TemplateResult {
    const host = entry.role === 'host';
    const link = shareLink(entry.liveId, location.href);
    const title =
      this.liveTitle !== '' ? this.liveTitle : entry.liveName !== '' ? entry.liveName : entry.liveId;
    const devices = devicesOf(this.deviceChoice);
    return html`<div class="live-layout" data-role=${entry.role}>
        <section class="stage-column" aria-labelledby="live-title">
          <div class="live-bar">
            <div class="live-heading">
              <span class="live-badge" ?hidden=${this.session === null || this.ended}>${t.liveBadge}</span>
              <h1 id="live-title">${title}</h1>
              <span class="role-badge"
                >${host ? t.youAreHost : this.seated ? t.youAreGuest : t.youAreViewer}</span
              >
            </div>
            <connection-status></connection-status>
          </div>
          <live-core-view class="stage" @seat-invite-request=${this.#onInviteRequest}>
            ${
              // Ended: the stage's own "The live has ended" is the one message. Failed: <live-session>
              // says why, with Retry. Either way the way back is here, on the stage, in view.
              this.ended || this.failed
                ? html`<button type="button" class="primary" @click=${this.#exit}>${t.backToStart}</button>`
                : nothing
            }
          </live-core-view>
          <div
            class="controls"
            role="group"
            aria-label=${t.devicesTitle}
            ?hidden=${this.ended || this.failed}
          >
            ${
              host
                ? nothing
                : html`<apply-button
                    timeout="30"
                    devices=${devices}
                    @apply-request=${this.#onApplyRequest}
                    @apply-cancel=${this.#releaseUnseated}
                    @application-rejected=${this.#releaseUnseated}
                    @application-timeout=${this.#releaseUnseated}
                    @application-failed=${this.#releaseUnseated}
                  ></apply-button>`
            }
            <div class="device-controls" ?hidden=${!host && !this.seated}>
              <device-toggle device="camera"></device-toggle>
              <device-toggle device="microphone"></device-toggle>
              ${canShareScreen() ? html`<device-toggle device="screen"></device-toggle>` : nothing}
              <camera-switch></camera-switch>
            </div>
            <span class="spacer"></span>
            <button type="button" class="danger exit" @click=${this.#onExit}>
              ${host ? t.endLive : t.leaveLive}
            </button>
          </div>
          ${
            host
              ? this.#confirmEnd(t)
              : html`<invitation-prompt
                    devices=${devices}
                    @invitation-accept=${this.#onInvitationAccept}
                    @invitation-timeout=${this.#onInvitationGone}
                    @invitation-cancelled=${this.#onInvitationGone}
                  ></invitation-prompt>
                  ${this.#seatCheckDialog(t)}`
          }
        </section>
        <aside class="side" ?hidden=${this.ended || this.failed}>
          <section class="card share" aria-labelledby="share-title">
            <h2 id="share-title">${t.shareTitle}</h2>
            <div class="share-row">
              <label class="visually-hidden" for="share-link">${t.shareLabel}</label>
              <input id="share-link" class="share-link" readonly .value=${link} @focus=${this.#selectLink} />
              <button type="button" class="secondary copy" @click=${this.#onCopy}>${t.copyLink}</button>
            </div>
            <p class="copy-status" role="status">
              ${this.copyStatus === 'copied' ? t.copied : this.copyStatus === 'failed' ? t.copyFailed : ''}
            </p>
          </section>
          ${
            host
              ? html`<section class="card list-card" aria-labelledby="requests-title">
                    <h2 id="requests-title">${t.requestsTitle}</h2>
                    <applicant-list></applicant-list>
                  </section>
                  <section class="card list-card" aria-labelledby="viewers-title">
                    <h2 id="viewers-title">${t.viewersTitle}</h2>
                    <audience-list timeout="30"></audience-list>
                  </section>`
              : html`<section class="card about" aria-labelledby="about-title">
                  <h2 id="about-title">${t.viewerTitle}</h2>
                  <p>${t.viewerLead}</p>
                </section>`
          }
        </aside>
      </div>
      <live-notifications class="toasts" types=${TOASTS}></live-notifications>`;
  }

  /**
   * A viewer's check of the devices before taking a seat, in a modal dialog over the stage (and over
   * an invitation): its confirm asks for the seat or accepts the invitation; Cancel or Escape does
   * neither and closes the devices it opened.
   */
  #seatCheckDialog(t: DemoStrings): TemplateResult {
    const check = this.seatCheck;
    return html`<dialog
      class="seat-check"
      aria-labelledby="seat-check-title"
      @close=${this.#onSeatCheckClose}
    >
      ${
        check === null
          ? nothing
          : html`<h2 id="seat-check-title">${t.prejoinSeatTitle}</h2>
              <p>${t.prejoinSeatLead}</p>
              <pre-join-check
                .session=${this.session}
                confirm-label=${check.kind === 'apply' ? t.prejoinApply : t.prejoinAccept}
                @pre-join-confirm=${this.#onSeatCheckConfirm}
                @pre-join-cancel=${this.#closeSeatCheck}
              >
                <label class="remember">
                  <input type="checkbox" name="remember" />
                  <span>${t.prejoinRemember}</span>
                </label>
              </pre-join-check>`
      }
    </dialog>`;
  }

  // ── handlers ────────────────────────────────────────────────────────────────────────────────

  readonly #onHome = (event: MouseEvent): void => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    // Inside a live, the brand does not leave it: reloads and links resume the live instead.
    event.preventDefault();
    if (this.entry === null && this.invitedTo !== null) {
      history.pushState(null, '', '/');
      this.#route();
    }
  };

  readonly #onLanguage = (event: Event): void => {
    const value = (event.target as HTMLSelectElement).value;
    if (!isDemoLocale(value)) return;
    this.locale = value;
    savePreference('language', value);
  };

  readonly #onTheme = (): void => {
    this.theme = nextTheme(this.theme);
  };

  readonly #onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const field = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const action = event.submitter instanceof HTMLButtonElement ? event.submitter.value : 'join';
    const userName = field('userName').trim().slice(0, MAX_NAME_LENGTH);
    const avatarUrl = avatarOrNull(field('avatarUrl'));
    if (userName === '') return this.#refuse(form, { field: 'name', text: 'errorName' });
    if (avatarUrl === null) return this.#refuse(form, { field: 'avatar', text: 'errorAvatar' });
    saveProfile({ userName, avatarUrl });
    if (action === 'host') {
      const title = field('liveName').trim();
      const t = stringsFor(this.locale);
      const liveName = (title !== '' ? title : t.defaultLiveName.replace('{name}', () => userName)).slice(
        0,
        64,
      );
      this.#enter({ liveId: randomId('live-'), role: 'host', userName, avatarUrl, liveName, fresh: true });
      return;
    }
    const input = field('live');
    if (input.trim() === '') return this.#refuse(form, { field: 'live', text: 'errorLive' });
    const liveId = parseLiveInput(input);
    if (liveId === null) return this.#refuse(form, { field: 'live', text: 'errorLiveInvalid' });
    this.#enter({ liveId, role: 'audience', userName, avatarUrl, liveName: '', fresh: false });
  };

  readonly #onReady = (event: SessionReadyEvent): void => {
    const entry = this.entry;
    const liveId = event.liveId;
    // A new host's page signed in without a live: the check of the devices runs on this session.
    if (liveId === null && entry?.role === 'host' && entry.fresh) {
      this.checkSession = event.session;
      return;
    }
    // The element may report a live this page already left (a late answer).
    if (liveId === null || entry?.liveId !== liveId) return;
    this.#forgetSession();
    const session = event.session;
    this.session = session;
    this.failed = false;
    const seats = session.liveSeatStore(liveId);
    this.#cleanups.push(
      seats.seatList.subscribe(() => {
        this.seated = ownSeat(session, liveId) !== null;
      }),
      seats.liveInfo.subscribe((info) => {
        this.liveTitle = info?.liveName ?? '';
      }),
      seats.liveEnded.subscribe((ended) => {
        this.ended = ended;
        if (ended) saveEntry(null);
      }),
    );
    void this.#resumeDevices(session, entry);
  };

  /**
   * `<live-session>` shows what failed, with Retry; the page logs the code and offers the way back.
   * It keeps the entry, so that Retry or a reload enters the same live.
   */
  readonly #onError = (event: SessionErrorEvent): void => {
    if (this.entry === null) return;
    console.info(`co-guest-kit: could not enter the live (${event.errorCode}): ${event.errorMessage}`);
    this.failed = true;
  };

  /** The host's check is done: the live starts on the same session, with the devices as they are. */
  readonly #onGoLive = (): void => {
    const entry = this.entry;
    if (entry === null) return;
    const next = { ...entry, fresh: false };
    saveEntry(next);
    this.entry = next;
    this.checkSession = null;
  };

  /** "Request to join": the check first, unless the viewer chose the devices for the session. */
  readonly #onApplyRequest = (event: ApplyRequestEvent): void => {
    if (this.#applyChecked) {
      this.#applyChecked = false;
      return;
    }
    if (loadDeviceChoice() !== null) return;
    event.preventDefault();
    this.seatCheck = { kind: 'apply' };
  };

  /** "Accept" an invitation: the check first, unless the viewer chose the devices for the session. */
  readonly #onInvitationAccept = (event: InvitationAcceptEvent): void => {
    if (loadDeviceChoice() !== null) return;
    event.preventDefault();
    this.seatCheck = { kind: 'invitation', inviterId: event.inviter.userId };
  };

  /** The invitation being checked for ended (timed out, withdrawn): so does its check. */
  readonly #onInvitationGone = (): void => {
    if (this.seatCheck?.kind === 'invitation') this.#closeSeatCheck();
  };

  readonly #onSeatCheckConfirm = (event: PreJoinConfirmEvent): void => {
    const check = this.seatCheck;
    const session = this.session;
    const entry = this.entry;
    if (check === null || session === null || entry === null) return;
    const choice = event.choice;
    const remember = this.querySelector<HTMLInputElement>('dialog.seat-check input[name="remember"]');
    if (remember?.checked === true) saveDeviceChoice(choice);
    this.deviceChoice = choice;
    this.seatCheck = null;
    if (check.kind === 'apply') {
      // The apply button asks for the seat, as if pressed again: its request, countdown and outcome.
      this.#applyChecked = true;
      void this.updateComplete.then(() => {
        const button =
          this.querySelector('apply-button')?.shadowRoot?.querySelector<HTMLElement>('[part~="button"]');
        if (button) button.click();
        else this.#applyChecked = false;
      });
      return;
    }
    void session
      .coGuestStore(entry.liveId)
      .acceptInvitation(check.inviterId)
      .then((result) => {
        if (!result.isSuccess) this.#releaseUnseated();
      });
  };

  /** The check closed without a confirm (Cancel, Escape): it closes the devices it opened. */
  readonly #onSeatCheckClose = (): void => {
    this.seatCheck = null;
  };

  readonly #closeSeatCheck = (): void => {
    this.seatCheck = null;
  };

  /** A request or an invitation ended without a seat: the devices of its check go off. */
  readonly #releaseUnseated = (): void => {
    const session = this.session;
    if (session === null || this.seated || loadDeviceChoice() !== null) return;
    const devices = DeviceStore.for(session);
    void devices.closeLocalCamera();
    void devices.closeLocalMicrophone();
  };

  readonly #onInviteRequest = (): void => {
    this.querySelector('audience-list')?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  };

  /** Leave live: at once. End live: only once the host confirms, since it ends it for everyone. */
  readonly #onExit = (): void => {
    if (this.entry?.role === 'host' && this.session !== null && !this.ended) {
      this.querySelector<HTMLDialogElement>('dialog.confirm')?.showModal();
      return;
    }
    this.#exit();
  };

  readonly #onConfirmClose = async (event: Event): Promise<void> => {
    const session = this.session;
    if ((event.currentTarget as HTMLDialogElement).returnValue !== 'end' || session === null) return;
    await session.liveListStore.endLive();
    this.#exit();
  };

  readonly #exit = (): void => {
    saveEntry(null);
    history.pushState(null, '', '/');
    this.#route();
  };

  readonly #selectLink = (event: FocusEvent): void => {
    (event.target as HTMLInputElement).select();
  };

  readonly #onCopy = async (): Promise<void> => {
    const entry = this.entry;
    if (entry === null) return;
    try {
      await navigator.clipboard.writeText(shareLink(entry.liveId, location.href));
      this.copyStatus = 'copied';
    } catch {
      this.copyStatus = 'failed';
      this.querySelector<HTMLInputElement>('#share-link')?.select();
    }
  };

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  /** Shows the page the address and this tab's entry call for. */
  #route(): void {
    const named = liveInAddress(location.href);
    const entry = loadEntry();
    const next = entry !== null && entry.liveId === named ? entry : null;
    if (next?.liveId !== this.entry?.liveId || next?.role !== this.entry?.role) {
      this.#forgetSession();
      this.entry = next;
    }
    const invitedTo = next === null ? named : null;
    if (invitedTo !== this.invitedTo) {
      this.invitedTo = invitedTo;
      this.invitation = null;
      void this.#lookUp(invitedTo);
    }
    this.fieldError = null;
  }

  /**
   * Asks the server for the title and host of the live a link names (`live.list`, signed in as this
   * tab's user with a dev token, in no live), so that its landing page can show them.
   */
  async #lookUp(liveId: string | null): Promise<void> {
    this.#preview?.dispose();
    this.#preview = null;
    if (liveId === null) return;
    const session = createSession();
    this.#preview = session;
    try {
      const answer = await fetch(`/dev/token?userId=${encodeURIComponent(this.#userId)}`);
      const { token } = (await answer.json()) as { token?: unknown };
      if (typeof token !== 'string' || this.#preview !== session) return;
      const server = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const login = await session.loginStore.login({ serverUrl: server, token });
      const list = login.isSuccess ? await session.liveListStore.fetchLiveList() : null;
      if (list === null || !list.isSuccess || this.#preview !== session) return;
      const live = list.data.lives.find((summary) => summary.liveId === liveId);
      this.invitation =
        live === undefined
          ? 'missing'
          : { title: live.liveName !== '' ? live.liveName : live.liveId, host: live.owner.userName };
    } catch {
      // No answer: the page shows the live's id alone.
    } finally {
      if (this.#preview === session) this.#preview = null;
      session.dispose();
    }
  }

  #enter(entry: Entry): void {
    saveEntry(entry);
    const url = shareLink(entry.liveId, location.href);
    history.pushState(null, '', url);
    this.#route();
  }

  #refuse(form: HTMLFormElement, error: FieldError): void {
    this.fieldError = error;
    if (error === null) return;
    const name = { name: 'userName', avatar: 'avatarUrl', live: 'live' }[error.field];
    void this.updateComplete.then(() => form.querySelector<HTMLInputElement>(`[name="${name}"]`)?.focus());
  }

  /**
   * After entering the live: anyone coming back to a seat (a reload) turns on again what the seat
   * still shows on, so the others see them again. A new host's devices are those of its check,
   * already open; a viewer's remembered choice of devices applies to the new page's store.
   */
  async #resumeDevices(session: Session, entry: Entry): Promise<void> {
    const devices = DeviceStore.for(session);
    // Queued before any opening below, so the camera and microphone open on the chosen devices.
    await this.#restoreChoice(devices);
    const seat = ownSeat(session, entry.liveId);
    if (seat === null) return;
    const camera = seat.cameraStatus === 'on';
    const microphone = seat.microphoneStatus === 'on';
    await Promise.all([
      camera && devices.cameraStatus.get() === 'off' ? devices.openLocalCamera() : null,
      microphone && devices.microphoneStatus.get() === 'off' ? devices.openLocalMicrophone() : null,
    ]);
  }

  /**
   * A viewer's remembered devices, on a new page of the tab: chosen again where the browser still
   * lists them (a device that went away is left out rather than reported as an error).
   */
  async #restoreChoice(devices: DeviceStore): Promise<void> {
    const choice = loadDeviceChoice();
    if (choice === null) return;
    const listed = await devices.refreshDevices();
    if (!listed.isSuccess) return;
    const has = (id: string | null): id is string =>
      id !== null && listed.data.some((device) => device.deviceId === id);
    if (has(choice.cameraId)) void devices.selectCamera(choice.cameraId);
    if (has(choice.microphoneId)) void devices.selectMicrophone(choice.microphoneId);
    if (has(choice.speakerId) && devices.supports('speaker')) void devices.selectSpeaker(choice.speakerId);
  }

  /** "End this live for everyone?": a modal dialog; Escape or "Keep the live" keep it going. */
  #confirmEnd(t: DemoStrings): TemplateResult {
    return html`<dialog class="confirm" aria-labelledby="end-title" @close=${this.#onConfirmClose}>
      <form method="dialog">
        <h2 id="end-title">${t.endConfirmTitle}</h2>
        <p>${t.endConfirmText}</p>
        <div class="confirm-actions">
          <button class="secondary" value="keep">${t.keepLive}</button>
          <button class="danger" value="end">${t.endLive}</button>
        </div>
      </form>
    </dialog>`;
  }

  #forgetSession(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.session = null;
    this.seated = false;
    this.ended = false;
    this.failed = false;
    this.liveTitle = '';
    this.copyStatus = null;
    this.checkSession = null;
    this.seatCheck = null;
  }

  #themeLabel(t: DemoStrings): string {
    switch (this.theme) {
      case 'light':
        return t.themeLight;
      case 'dark':
        return t.themeDark;
      default:
        return t.themeSystem;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'demo-app': DemoApp;
  }
}
