export * from './errors.js';
export * from './result.js';
export * from './roles.js';
export * from './types.js';
export * from './messages.js';
export * from './version.js';
