// Registers the kit's elements before Angular renders them.
import 'co-guest-kit';
import { provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { AppComponent, LIVE } from './app.component.js';
import { startLive } from './live.js';

startLive()
  .then((live) =>
    bootstrapApplication(AppComponent, {
      providers: [provideZonelessChangeDetection(), { provide: LIVE, useValue: live }],
    }),
  )
  .catch((error: unknown) => {
    document.body.textContent = `The live did not start: ${String(error)}`;
  });
