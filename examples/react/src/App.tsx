/**
 * A host panel and an audience panel on one page. React 19 sets `session` and `layout` as the
 * elements' properties (the elements have them), `live-id` as an attribute, and listens to
 * `onapply-request` as the kit's `apply-request` event.
 */
import { STAGE_LAYOUTS, type ApplyRequestEvent, type StageLayoutOption } from 'co-guest-kit';
import { useState } from 'react';
import { LIVE_ID, type Live } from './live.js';
import { useStore } from './use-store.js';

const panels = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(280px, 1fr))',
  gap: 16,
  fontFamily: 'system-ui, sans-serif',
} as const;
const panel = { display: 'grid', gap: 12, alignContent: 'start' } as const;

export function App({ live }: { readonly live: Live }) {
  const { host, guest } = live;
  const [layout, setLayout] = useState<StageLayoutOption>('auto');
  const [events, setEvents] = useState<readonly string[]>([]);
  const state = host.coGuestStore(LIVE_ID).coGuestState;
  const applicants = useStore(state.applicants);
  const seated = useStore(state.connected);

  const onApplyRequest = (event: ApplyRequestEvent) =>
    setEvents((list) => [...list, `${event.type} (seat ${event.seatIndex})`]);

  return (
    <main style={panels}>
      <section aria-label="Host" style={panel}>
        <h2>Host</h2>
        <label>
          Layout{' '}
          <select
            data-test="layout"
            value={layout}
            onChange={(event) => setLayout(event.target.value as StageLayoutOption)}
          >
            <option value="auto">auto</option>
            {STAGE_LAYOUTS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <live-core-view session={host} live-id={LIVE_ID} layout={layout}></live-core-view>
        <applicant-list session={host} live-id={LIVE_ID}></applicant-list>
        <p data-test="applicant-count">Applicants: {applicants.length}</p>
        <ul data-test="applicants">
          {applicants.map((applicant) => (
            <li key={applicant.userId}>{applicant.userName}</li>
          ))}
        </ul>
        <p data-test="seated">On seats: {seated.map((user) => user.userName).join(', ')}</p>
      </section>
      <section aria-label="Audience" style={panel}>
        <h2>Audience: Ada</h2>
        <apply-button
          session={guest}
          live-id={LIVE_ID}
          devices=""
          onapply-request={onApplyRequest}
        ></apply-button>
        <ul data-test="events">
          {events.map((entry, index) => (
            <li key={index}>{entry}</li>
          ))}
        </ul>
      </section>
    </main>
  );
}
