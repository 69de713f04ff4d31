import { describe, expect, it } from 'vitest';
import { isUnencryptedRemoteServer } from './server-url.js';

describe('isUnencryptedRemoteServer', () => {
  it('flags http:// to another machine', () => {
    for (const url of [
      'http://chat.example.com',
      'http://192.168.1.20:3000',
      'http://10.0.0.1',
      'http://[2001:db8::1]:3000',
      'http://localhost.example.com',
      'http://128.0.0.1',
    ]) {
      expect(isUnencryptedRemoteServer(url), url).toBe(true);
    }
  });

  it('accepts https:// anywhere and http:// on this machine', () => {
    for (const url of [
      'https://chat.example.com',
      'http://localhost:3000',
      'http://LOCALHOST:3000',
      'http://parley.localhost',
      'http://127.0.0.1:3000',
      'http://127.1:3000',
      'http://[::1]:3000',
    ]) {
      expect(isUnencryptedRemoteServer(url), url).toBe(false);
    }
  });

  it('is false for what is not a URL (other checks refuse it)', () => {
    expect(isUnencryptedRemoteServer('not a url')).toBe(false);
  });
});
