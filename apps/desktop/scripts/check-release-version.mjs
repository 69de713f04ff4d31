// The release workflow runs this before building: a tag `v1.2.0` must release exactly the version in
// apps/desktop/package.json, or the installer, latest.yml and the app's own idea of its version would
// disagree (and electron-updater would offer the wrong update). Usage: node check-release-version.mjs v1.2.0
import console from 'node:console';
import { readFile } from 'node:fs/promises';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const semver = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

/**
 * The version a release tag names (`v1.2.0` → `1.2.0`), or an error that says why it cannot be released.
 * @param {string} tag the git tag, with or without `refs/tags/`
 * @param {string} packageVersion the `version` of apps/desktop/package.json
 * @returns {{ ok: true, version: string } | { ok: false, error: string }}
 */
export function checkReleaseVersion(tag, packageVersion) {
  const name = tag.trim().replace(/^refs\/tags\//, '');
  if (!name.startsWith('v'))
    return { ok: false, error: `The tag "${name}" does not start with "v".` };
  const version = name.slice(1);
  if (!semver.test(version)) {
    return { ok: false, error: `The tag "${name}" is not v<major>.<minor>.<patch> (semver).` };
  }
  if (version !== packageVersion) {
    return {
      ok: false,
      error: `The tag "${name}" releases ${version}, but apps/desktop/package.json says ${packageVersion}. Bump the version in package.json (npm version ${version} -w @parley/desktop), commit, and tag that commit.`,
    };
  }
  return { ok: true, version };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const tag = process.argv[2] ?? process.env.GITHUB_REF_NAME ?? '';
  /** @type {unknown} */
  const packageJson = JSON.parse(
    await readFile(new URL('../package.json', import.meta.url), 'utf8'),
  );
  const packageVersion = String(/** @type {{ version?: unknown }} */ (packageJson).version);
  const result = checkReleaseVersion(tag, packageVersion);
  if (result.ok) {
    console.log(`Releasing Parley ${result.version}.`);
  } else {
    console.error(result.error);
    process.exitCode = 1;
  }
}
