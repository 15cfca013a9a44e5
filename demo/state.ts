/**
 * What the demo remembers, and where:
 *
 * - the **user id** lives in `sessionStorage`: one per tab, kept across reloads of that tab. Two
 *   tabs are two users (the server replaces the connection of a user who connects again, so two
 *   tabs sharing one id would push each other out), and a reload comes back as the same user, which
 *   the server recognises within its grace period: the seat is kept, a host gets its live back.
 * - the **entry** (the live this tab is in, as host or viewer, with the name and avatar used) lives
 *   in `sessionStorage` too: a reload enters the same live again without asking anything.
 * - the **profile** (name and avatar) and the **preferences** (language, theme) live in
 *   `localStorage`: they prefill the forms of a new tab.
 * - the **devices** a viewer chose in the check before taking a seat, when they asked not to be
 *   asked again, live in `sessionStorage`: later requests and invitations of that tab use them.
 */

/** `A-Z a-z 0-9 _ . @ -`, 1 to 64 characters: the server's rule for user and live ids. */
const ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** The longest name the demo sends (the server refuses longer ones). */
export const MAX_NAME_LENGTH = 64;

const USER_KEY = 'co-guest-demo.user-id';
const ENTRY_KEY = 'co-guest-demo.entry';
const PROFILE_KEY = 'co-guest-demo.profile';
const DEVICES_KEY = 'co-guest-demo.devices';

export type DemoRole = 'host' | 'audience';

/** The live a tab is in. */
export interface Entry {
  readonly liveId: string;
  readonly role: DemoRole;
  readonly userName: string;
  readonly avatarUrl: string;
  /** The title a host gave the live. */
  readonly liveName: string;
  /** A host that has not gone live yet: its page shows the check of its devices first. */
  readonly fresh: boolean;
}

/** The name and avatar last used in this browser. */
export interface Profile {
  readonly userName: string;
  readonly avatarUrl: string;
}

/** `prefix` and `length` random lowercase letters and digits (no look-alikes such as l, 1, o, 0). */
export function randomId(prefix: string, length = 10): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}

/** Whether `value` is a valid live or user id. */
export function isId(value: string): boolean {
  return ID.test(value);
}

/**
 * The live id in what a user pasted: a demo link (`…?live=<id>`) or a bare id. `null` when it is
 * neither.
 */
export function parseLiveInput(input: string): string | null {
  const text = input.trim();
  if (text === '') return null;
  if (isId(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const id = url.searchParams.get('live');
  return id !== null && isId(id) ? id : null;
}

/**
 * An avatar address the demo passes on: `''` for none, the URL for an `http:` or `https:` one,
 * `null` for anything else (`javascript:`, `data:`, garbage), which the form refuses.
 */
export function avatarOrNull(input: string): string | null {
  const text = input.trim();
  if (text === '') return '';
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The share link of a live, on this page's origin. */
export function shareLink(liveId: string, base: string): string {
  const url = new URL('/', base);
  url.searchParams.set('live', liveId);
  return url.href;
}

/** The live named in the page's address, or `null`. */
export function liveInAddress(href: string): string | null {
  const id = new URL(href).searchParams.get('live');
  return id !== null && isId(id) ? id : null;
}

function read(storage: Storage, key: string): unknown {
  try {
    const text = storage.getItem(key);
    return text === null ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

function write(storage: Storage, key: string, value: unknown): void {
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): the demo still works, it only forgets on reload.
  }
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** This tab's user id, created on first use. */
export function tabUserId(): string {
  const stored = read(sessionStorage, USER_KEY);
  if (typeof stored === 'string' && isId(stored)) return stored;
  const id = randomId('u-');
  write(sessionStorage, USER_KEY, id);
  return id;
}

/** The live this tab is in, or `null`. */
export function loadEntry(): Entry | null {
  const raw = read(sessionStorage, ENTRY_KEY);
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  const liveId = text(record.liveId);
  const role = record.role;
  const userName = text(record.userName);
  if (!isId(liveId) || (role !== 'host' && role !== 'audience') || userName === '') return null;
  return {
    liveId,
    role,
    userName: userName.slice(0, MAX_NAME_LENGTH),
    avatarUrl: avatarOrNull(text(record.avatarUrl)) ?? '',
    liveName: text(record.liveName),
    fresh: record.fresh === true,
  };
}

export function saveEntry(entry: Entry | null): void {
  write(sessionStorage, ENTRY_KEY, entry);
}

export function loadProfile(): Profile {
  const raw = read(localStorage, PROFILE_KEY);
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    userName: text(record.userName).slice(0, MAX_NAME_LENGTH),
    avatarUrl: avatarOrNull(text(record.avatarUrl)) ?? '',
  };
}

export function saveProfile(profile: Profile): void {
  write(localStorage, PROFILE_KEY, profile);
}

/** A preference kept in `localStorage` (language, theme), or `null`. */
export function loadPreference(name: string): string | null {
  const value = read(localStorage, `co-guest-demo.${name}`);
  return typeof value === 'string' ? value : null;
}

export function savePreference(name: string, value: string | null): void {
  write(localStorage, `co-guest-demo.${name}`, value);
}

/** The devices a viewer takes a seat with, remembered for the tab (see `<pre-join-check>`). */
export interface DeviceChoice {
  readonly camera: boolean;
  readonly microphone: boolean;
  readonly cameraId: string | null;
  readonly microphoneId: string | null;
  readonly speakerId: string | null;
}

function idOrNull(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The remembered device choice of this tab, or `null` (ask with the check). */
export function loadDeviceChoice(): DeviceChoice | null {
  const raw = read(sessionStorage, DEVICES_KEY);
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  return {
    camera: record.camera === true,
    microphone: record.microphone === true,
    cameraId: idOrNull(record.cameraId),
    microphoneId: idOrNull(record.microphoneId),
    speakerId: idOrNull(record.speakerId),
  };
}

/** Remembers `choice` for this tab (`null` forgets it). */
export function saveDeviceChoice(choice: DeviceChoice | null): void {
  write(sessionStorage, DEVICES_KEY, choice);
}

/** The `devices` attribute of `<apply-button>` and `<invitation-prompt>` for a choice. */
export function devicesOf(choice: DeviceChoice | null): string {
  if (choice === null) return 'camera microphone';
  return [choice.camera ? 'camera' : '', choice.microphone ? 'microphone' : ''].filter(Boolean).join(' ');
}
