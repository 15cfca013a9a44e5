// Registers the kit's elements before React renders them.
import 'co-guest-kit';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { startLive } from './live.js';

const root = createRoot(document.getElementById('root') as HTMLElement);
startLive().then(
  (live) =>
    root.render(
      <StrictMode>
        <App live={live} />
      </StrictMode>,
    ),
  (error: unknown) => root.render(<p>The live did not start: {String(error)}</p>),
);
