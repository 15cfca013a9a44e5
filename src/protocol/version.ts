/** Bumped on any incompatible change. The server refuses other versions with close code 4004. */
export const PROTOCOL_VERSION = 1;
