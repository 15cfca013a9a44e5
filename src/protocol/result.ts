import { ErrorCode } from './errors.js';

/** A successful outcome, optionally with a value. */
export interface Success<T = undefined> {
  readonly isSuccess: true;
  readonly errorCode: 0;
  readonly errorMessage: '';
  readonly data: T;
}

/** A refused or failed outcome with a typed code and a readable message. */
export interface Failure {
  readonly isSuccess: false;
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
}

/** What every action of the kit resolves to. It never throws for an expected failure. */
export type Result<T = undefined> = Success<T> | Failure;

export function ok(): Success;
export function ok<T>(data: T): Success<T>;
export function ok<T>(data?: T): Success<T | undefined> {
  return { isSuccess: true, errorCode: ErrorCode.SUCCESS, errorMessage: '', data };
}

export function fail(errorCode: ErrorCode, errorMessage: string): Failure {
  return { isSuccess: false, errorCode, errorMessage };
}
