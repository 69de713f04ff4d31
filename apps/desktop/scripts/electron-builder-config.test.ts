import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/** The installer's configuration: what a release promises users (see README, "Installing" and "Updating"). */
const config = JSON.parse(
  await readFile(new URL('../electron-builder.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;

describe('electron-builder.json', () => {
  it('flips the Electron fuses that turn the packaged app into a general-purpose Node runtime off', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('installs per user without ever asking for elevation, and keeps the profile on uninstall', () => {
    const nsis = config.nsis!;
    expect(nsis).toMatchObject({
      oneClick: true,
      perMachine: false,
      deleteAppDataOnUninstall: false,
    });
    // Only meaningful for the assisted installer (its install-mode page offers "all users").
    expect(nsis).not.toHaveProperty('allowElevation');
    expect(nsis).not.toHaveProperty('allowToChangeInstallationDirectory');
    expect(nsis).not.toHaveProperty('selectPerMachineByDefault');
  });

  it('names the installer after the version, which latest.yml and the release workflow expect', () => {
    expect(config.win!.artifactName).toBe('Parley-Setup-${version}.${ext}');
    expect(config.nsis!.artifactName).toBe('Parley-Setup-${version}.${ext}');
  });

  it('publishes update metadata for GitHub Releases, as drafts a person publishes', () => {
    expect(config.publish).toMatchObject({ provider: 'github', releaseType: 'draft' });
  });
});
