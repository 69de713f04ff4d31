import { config } from 'zod';

/**
 * The renderer runs under a CSP without 'unsafe-eval'. Zod's JIT would probe `new Function` on the
 * first object parse; the probe is caught, but Chromium still reports it as a CSP violation.
 * jitless parsing never evaluates code.
 */
config({ jitless: true });
