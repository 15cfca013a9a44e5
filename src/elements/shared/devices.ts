import type { Session } from '../../core/session.js';
import { DeviceStore } from '../../media/device-store.js';
import type { Device } from '../../protocol/types.js';
import { perform } from './events.js';

const KNOWN_DEVICES: readonly Device[] = ['camera', 'microphone'];

/**
 * `"camera microphone"` → `['camera', 'microphone']`; unknown words are ignored; `null` (an attribute
 * removed) → `fallback`, by default what `<apply-button>` and `<invitation-prompt>` open.
 */
export function parseDevices(value: string | null | undefined, fallback = 'camera microphone'): Device[] {
  const words = (value ?? fallback).toLowerCase().split(/\s+/);
  return KNOWN_DEVICES.filter((device) => words.includes(device));
}

/**
 * Opens `devices` on the session's `DeviceStore` (camera, then microphone), as the seed does once a
 * guest is seated. The store publishes each device to the seat (or does so when the seat arrives);
 * a failure (access denied, no device, locked by the host) fires `action-error` from `host`.
 * Resolves once every device was tried.
 */
export async function openDevices(
  host: HTMLElement,
  session: Session,
  devices: readonly Device[],
): Promise<void> {
  const store = DeviceStore.for(session);
  if (devices.includes('camera')) await perform(host, 'openLocalCamera', () => store.openLocalCamera());
  if (devices.includes('microphone')) {
    await perform(host, 'openLocalMicrophone', () => store.openLocalMicrophone());
  }
}
