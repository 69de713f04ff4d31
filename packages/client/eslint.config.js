import { configFor } from '@parley/eslint-config';

// Tests (src/**/*.test.ts, test/**) may start a real server; shipped src/ keeps the client layer's boundaries.
export default configFor('client', import.meta.dirname);
