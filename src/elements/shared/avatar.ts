import { html, type TemplateResult } from 'lit';
import { personIcon } from '../../utils/icons.js';
import { initials, safeImageUrl } from '../../utils/safe-url.js';

/**
 * A person's avatar (`part="avatar"`): their picture when its URL is a safe image URL
 * (`safeImageUrl`) that has not failed to load, else their initials (a person icon when the name has
 * none). `failed` says whether a URL failed before; `onError` hears a picture that fails now (the
 * element remembers it and renders again).
 */
export function avatar(
  name: string,
  url: string,
  failed: (safeUrl: string) => boolean,
  onError: (event: Event) => void,
): TemplateResult {
  const safeUrl = safeImageUrl(url);
  if (safeUrl !== '' && !failed(safeUrl)) {
    return html`<img
      class="avatar"
      part="avatar"
      src=${safeUrl}
      alt=""
      draggable="false"
      @error=${onError}
    />`;
  }
  const letters = initials(name);
  return html`<span class="avatar initials" part="avatar" aria-hidden="true"
    >${letters === '' ? personIcon : letters}</span
  >`;
}
