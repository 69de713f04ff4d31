/**
 * What differs between a packaged build (the installed app) and a development or test run. A packaged
 * Parley has no developer tools, no default menu (its View → Toggle Developer Tools and Reload entries), and
 * ignores PARLEY_USER_DATA: an environment variable must not be able to point the installed app at another
 * profile (another session, another server).
 */
export interface ShellPolicy {
  /** The profile folder to use instead of %APPDATA%\Parley, or null for the default. */
  userDataOverride: string | null;
  devTools: boolean;
  defaultMenu: boolean;
}

export function shellPolicy(
  isPackaged: boolean,
  env: Readonly<Record<string, string | undefined>>,
): ShellPolicy {
  if (isPackaged) return { userDataOverride: null, devTools: false, defaultMenu: false };
  return { userDataOverride: env.PARLEY_USER_DATA || null, devTools: true, defaultMenu: true };
}
