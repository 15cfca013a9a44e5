/** The typed errors of the Janus client: Janus's or the plugin's code and reason, or why no answer came. */

/** Janus core error codes (Janus's `src/apierror.h`) that callers may want to tell apart. */
export const JanusErrorCode = {
  UNAUTHORIZED: 403,
  UNAUTHORIZED_PLUGIN: 405,
  UNKNOWN: 490,
  MISSING_REQUEST: 452,
  UNKNOWN_REQUEST: 453,
  INVALID_JSON: 454,
  MISSING_MANDATORY_ELEMENT: 456,
  SESSION_NOT_FOUND: 458,
  HANDLE_NOT_FOUND: 459,
  PLUGIN_NOT_FOUND: 460,
  PLUGIN_ATTACH: 461,
  PLUGIN_MESSAGE: 462,
  JSEP_INVALID_SDP: 465,
  WEBRTC_STATE: 471,
} as const;

/**
 * Where a `JanusError` comes from: Janus's core (`janus`, e.g. 403), the plugin's answer
 * (`plugin`, e.g. VideoRoom's 426 no such room), no answer in time (`timeout`), the socket closed
 * before the answer (`closed`), or an answer that is not what the Janus API says (`protocol`).
 */
export type JanusErrorKind = 'janus' | 'plugin' | 'timeout' | 'closed' | 'protocol';

/** A failed Janus request. `code` is Janus's or the plugin's code, 0 for the local kinds. */
export class JanusError extends Error {
  readonly kind: JanusErrorKind;
  readonly code: number;
  readonly reason: string;
  /** The request that failed (`create`, `attach`, `message:join`, …), or `''` when none. */
  readonly request: string;

  constructor(kind: JanusErrorKind, code: number, reason: string, request = '') {
    super(
      `Janus ${request ? `${request}: ` : ''}${kind === 'janus' || kind === 'plugin' ? `${code} ` : ''}${reason}`,
    );
    this.name = 'JanusError';
    this.kind = kind;
    this.code = code;
    this.reason = reason;
    this.request = request;
  }
}

/** Whether `error` is a `JanusError`, with `code` when given. */
export function isJanusError(error: unknown, code?: number): error is JanusError {
  return error instanceof JanusError && (code === undefined || error.code === code);
}
