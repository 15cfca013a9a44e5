/**
 * Custom states (`:state(name)`) through `ElementInternals.states`.
 *
 * Browsers that shipped the first version of the API accept only dashed identifiers
 * (`--name`, matched by `:--name`); current ones accept plain names (matched by `:state(name)`).
 * `toggleState` uses the plain name and falls back to the dashed one where the plain one throws, so
 * the call never fails; styles and tests use `:state(name)`.
 */
export function toggleState(internals: ElementInternals, name: string, on: boolean): void {
  const states = internals.states;
  try {
    if (on) states.add(name);
    else states.delete(name);
  } catch {
    if (on) states.add(`--${name}`);
    else states.delete(`--${name}`);
  }
}

/** Sets exactly the given states (`true` on, `false` off) and leaves others alone. */
export function setStates(internals: ElementInternals, states: Readonly<Record<string, boolean>>): void {
  for (const [name, on] of Object.entries(states)) toggleState(internals, name, on);
}
