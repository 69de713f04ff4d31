declare const __PARLEY_CLIENT_VERSION__: string | undefined;

/** This package's version; the build writes it in (scripts/build.mjs), sources run as 'development'. */
export const version =
  typeof __PARLEY_CLIENT_VERSION__ === 'string' ? __PARLEY_CLIENT_VERSION__ : 'development';
