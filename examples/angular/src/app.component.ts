/**
 * A host panel and an audience panel on one page. `CUSTOM_ELEMENTS_SCHEMA` lets the template use
 * the kit's tags; `[session]`, `[liveId]` and `[layout]` set the elements' properties,
 * `(apply-request)` listens to the kit's event, and the live's stores are read as signals.
 */
import { Component, CUSTOM_ELEMENTS_SCHEMA, inject, InjectionToken, signal } from '@angular/core';
import { STAGE_LAYOUTS, type ApplyRequestEvent, type StageLayoutOption } from 'co-guest-kit';
import { LIVE_ID, type Live } from './live.js';
import { storeSignal } from './store-signal.js';

/** The live the app shows, started before the app boots. */
export const LIVE = new InjectionToken<Live>('co-guest-kit live');

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  styles: `
    .panels {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
      gap: 16px;
      font-family: system-ui, sans-serif;
    }
    section {
      display: grid;
      gap: 12px;
      align-content: start;
    }
  `,
  template: `
    <main class="panels">
      <section aria-label="Host">
        <h2>Host</h2>
        <label>
          Layout
          <select data-test="layout" (change)="chooseLayout($event)">
            <option value="auto">auto</option>
            @for (name of layouts; track name) {
              <option [value]="name">{{ name }}</option>
            }
          </select>
        </label>
        <live-core-view [session]="live.host" [liveId]="liveId" [layout]="layout()"></live-core-view>
        <applicant-list [session]="live.host" [liveId]="liveId"></applicant-list>
        <p data-test="applicant-count">Applicants: {{ applicants().length }}</p>
        <ul data-test="applicants">
          @for (applicant of applicants(); track applicant.userId) {
            <li>{{ applicant.userName }}</li>
          }
        </ul>
        <p data-test="seated">On seats: {{ seatedNames() }}</p>
      </section>
      <section aria-label="Audience">
        <h2>Audience: Ada</h2>
        <apply-button
          [session]="live.guest"
          [liveId]="liveId"
          devices=""
          (apply-request)="onApplyRequest($event)"
        ></apply-button>
        <ul data-test="events">
          @for (entry of events(); track $index) {
            <li>{{ entry }}</li>
          }
        </ul>
      </section>
    </main>
  `,
})
export class AppComponent {
  protected readonly live = inject(LIVE);
  protected readonly liveId = LIVE_ID;
  protected readonly layouts = STAGE_LAYOUTS;
  protected readonly layout = signal<StageLayoutOption>('auto');
  protected readonly events = signal<readonly string[]>([]);
  readonly #state = this.live.host.coGuestStore(LIVE_ID).coGuestState;
  protected readonly applicants = storeSignal(this.#state.applicants);
  protected readonly seated = storeSignal(this.#state.connected);

  protected seatedNames(): string {
    return this.seated()
      .map((user) => user.userName)
      .join(', ');
  }

  protected chooseLayout(event: Event): void {
    this.layout.set((event.target as HTMLSelectElement).value as StageLayoutOption);
  }

  protected onApplyRequest(event: ApplyRequestEvent): void {
    this.events.update((list) => [...list, `${event.type} (seat ${event.seatIndex})`]);
  }
}
