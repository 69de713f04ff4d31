import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppProtocolHandler } from './app-protocol.js';
import { contentSecurityPolicy } from './content-security-policy.js';

vi.mock('electron', () => ({}));

let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'parley-web-'));
  await mkdir(join(root, 'web', 'assets'), { recursive: true });
  await writeFile(join(root, 'web', 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(join(root, 'web', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the web root');
  handler = createAppProtocolHandler(join(root, 'web'), () =>
    contentSecurityPolicy('http://localhost:3000'),
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('app:// protocol handler', () => {
  it('serves the web build with the CSP and a content type', async () => {
    const index = await handler(new Request('app://parley/'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Parley</title>');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' http://localhost:3000 ws://localhost:3000");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');

    const script = await handler(new Request('app://parley/assets/app.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    'app://parley/../secret.txt',
    'app://parley/%2e%2e/secret.txt',
    'app://parley/assets/..%2f..%2fsecret.txt',
    'app://parley/missing.js',
    'app://parley/assets',
    'app://other/index.html',
    'app://parley/%00index.html',
  ])('answers 404 for %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the web root');
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect(
      (await handler(new Request('app://parley/', { method: 'POST', body: 'x' }))).status,
    ).toBe(405);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows only the chosen server, with wss for https', () => {
    expect(contentSecurityPolicy('https://chat.example.org:8443')).toContain(
      "connect-src 'self' https://chat.example.org:8443 wss://chat.example.org:8443",
    );
    expect(contentSecurityPolicy(null)).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(null)).toMatch(/^default-src 'none'/);
  });
});
