import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from './node-flags.js';

describe('serverNodeFlags', () => {
  it('are what the start script passes to node', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { scripts: Record<string, string> };
    expect(manifest.scripts.start).toBe(`node ${serverNodeFlags.join(' ')} dist/main.js`);
  });
});
