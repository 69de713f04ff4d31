import { describe, expect, it } from 'vitest';
import { shellPolicy } from './shell-policy.js';

describe('shellPolicy', () => {
  it('packaged: no DevTools, no default menu, and PARLEY_USER_DATA is ignored', () => {
    expect(shellPolicy(true, { PARLEY_USER_DATA: 'C:\\elsewhere' })).toEqual({
      userDataOverride: null,
      devTools: false,
      defaultMenu: false,
    });
  });

  it('development: DevTools, the default menu, and the profile where PARLEY_USER_DATA says', () => {
    expect(shellPolicy(false, { PARLEY_USER_DATA: '/tmp/profile' })).toEqual({
      userDataOverride: '/tmp/profile',
      devTools: true,
      defaultMenu: true,
    });
    expect(shellPolicy(false, { PARLEY_USER_DATA: '' }).userDataOverride).toBeNull();
    expect(shellPolicy(false, {}).userDataOverride).toBeNull();
  });
});
