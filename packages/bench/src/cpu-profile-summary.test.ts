import { describe, expect, it } from 'vitest';
import { originOf, summarizeProfile, type CpuProfile } from './cpu-profile-summary.js';

const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe('summarizeProfile', () => {
  it('adds each sample delta to the node it hit, leaving idle out', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', '') },
        { id: 2, callFrame: frame('(idle)', '') },
        { id: 3, callFrame: frame('send', 'file:///w/packages/core/dist/message-service.js', 9) },
        { id: 4, callFrame: frame('(garbage collector)', '') },
        { id: 5, callFrame: frame('stringify', 'file:///w/node_modules/@trpc/server/dist/x.js') },
      ],
      samples: [2, 3, 3, 4, 5, 2],
      timeDeltas: [500, 100, 300, 200, 400, 900],
    };
    const summary = summarizeProfile(profile);
    expect(summary.totalMs).toBe(1);
    expect(summary.functions.map((row) => [row.name, row.selfMs])).toEqual([
      ['send', 0.4],
      ['stringify', 0.4],
      ['(garbage collector)', 0.2],
    ]);
    expect(summary.functions[0]!.where).toBe('/w/packages/core/dist/message-service.js:10');
    expect(summary.origins.map((row) => [row.name, row.share])).toEqual([
      ['parley:core', 0.4],
      ['@trpc/server', 0.4],
      ['(garbage collector)', 0.2],
    ]);
  });

  it('counts only the last seconds when asked', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('early', 'file:///w/a.js') },
        { id: 2, callFrame: frame('late', 'file:///w/b.js') },
      ],
      samples: [1, 1, 2],
      timeDeltas: [1_000_000, 1_000_000, 500_000],
    };
    const summary = summarizeProfile(profile, { lastSeconds: 0.4 });
    expect(summary.functions.map((row) => row.name)).toEqual(['late']);
    expect(summary.totalMs).toBe(500);
  });
});

describe('originOf', () => {
  it('names packages, Node internals and V8 pseudo-frames', () => {
    expect(originOf('file:///a/node_modules/ws/lib/sender.js', 'f')).toBe('ws');
    expect(originOf('node:internal/streams/writable', 'f')).toBe('node:internal');
    expect(originOf('', '(program)')).toBe('(program)');
    expect(originOf('', 'writeUtf8String')).toBe('(native)');
    expect(originOf('file:///w/apps/server/dist/main.js', 'f')).toBe('parley:server');
  });
});
