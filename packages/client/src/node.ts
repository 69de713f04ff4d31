// `@parley/client/node`: what only Node programs need (it imports node:fs), apart from the browser-safe main entry.
export { fileStorage } from './file-storage.js';
