import type { ApplicantInfo } from '../../core/co-guest-store.js';

/** The host is about to accept one application. Cancel it to keep the application pending. */
export class ApplicantAcceptEvent extends Event {
  static readonly type = 'applicant-accept';

  /** The applicant's user id. */
  readonly userId: string;
  /** The application. */
  readonly applicant: ApplicantInfo;

  constructor(applicant: ApplicantInfo) {
    super(ApplicantAcceptEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userId = applicant.userId;
    this.applicant = applicant;
  }
}

/** The host is about to reject one application. Cancel it to keep the application pending. */
export class ApplicantRejectEvent extends Event {
  static readonly type = 'applicant-reject';

  /** The applicant's user id. */
  readonly userId: string;
  /** The application. */
  readonly applicant: ApplicantInfo;

  constructor(applicant: ApplicantInfo) {
    super(ApplicantRejectEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userId = applicant.userId;
    this.applicant = applicant;
  }
}

/** The host is about to accept several applications at once. Cancel it to accept none. */
export class ApplicantsAcceptAllEvent extends Event {
  static readonly type = 'applicants-accept-all';

  /** The applicants it will accept, in arrival order (as many as there are free seats). */
  readonly userIds: readonly string[];

  constructor(userIds: readonly string[]) {
    super(ApplicantsAcceptAllEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userIds = userIds;
  }
}

/** The host is about to reject every pending application. Cancel it to reject none. */
export class ApplicantsRejectAllEvent extends Event {
  static readonly type = 'applicants-reject-all';

  /** The applicants it will reject. */
  readonly userIds: readonly string[];

  constructor(userIds: readonly string[]) {
    super(ApplicantsRejectAllEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userIds = userIds;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'applicant-accept': ApplicantAcceptEvent;
    'applicant-reject': ApplicantRejectEvent;
    'applicants-accept-all': ApplicantsAcceptAllEvent;
    'applicants-reject-all': ApplicantsRejectAllEvent;
  }
}
