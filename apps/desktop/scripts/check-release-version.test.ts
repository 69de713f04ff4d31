import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkReleaseVersion } from './check-release-version.mjs';

const script = fileURLToPath(new URL('./check-release-version.mjs', import.meta.url));
const run = promisify(execFile);

describe('checkReleaseVersion', () => {
  it('accepts a tag that names the package version', () => {
    expect(checkReleaseVersion('v1.2.0', '1.2.0')).toEqual({ ok: true, version: '1.2.0' });
    expect(checkReleaseVersion('refs/tags/v1.2.0-beta.1', '1.2.0-beta.1')).toEqual({
      ok: true,
      version: '1.2.0-beta.1',
    });
  });

  it('refuses a tag that names another version, and says how to fix it', () => {
    const result = checkReleaseVersion('v1.2.0', '0.1.0');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/releases 1\.2\.0.*says 0\.1\.0/);
  });

  it('refuses tags that are not v<semver>', () => {
    for (const tag of ['1.2.0', 'v1.2', 'v01.2.0', 'vnext', 'release-1.2.0', '']) {
      expect(checkReleaseVersion(tag, '1.2.0').ok, tag).toBe(false);
    }
  });
});

describe('check-release-version.mjs', () => {
  it('exits 0 for the tag of the package version and 1 for any other', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const ok = await run(process.execPath, [script, `v${version}`]);
    expect(ok.stdout).toContain(`Releasing Parley ${version}.`);
    await expect(run(process.execPath, [script, 'v999.0.0'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('says') as unknown,
    });
  });
});
