export * from './entities.js';
export * from './events.js';
export * from './inputs.js';
export * from './limits.js';
export * from './password-rules.js';
export * from './text.js';
