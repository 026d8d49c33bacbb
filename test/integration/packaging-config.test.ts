import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// electron-builder's own loader and validator: the same two calls its Packager makes
// (getConfig, then validateConfiguration) before it builds anything. Nothing here
// downloads Electron or runs a build.
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { loadConfig } from 'app-builder-lib/out/util/config/load.js';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function validate(config: Configuration): Promise<void> {
  return validateConfiguration(config, new DebugLogger(false));
}

/** Loads `electron-builder.yml` (plus any `extends`) exactly as `electron-builder` does. */
function loadProjectConfig(projectDir = ROOT): Promise<Configuration> {
  return getConfig(projectDir, null, null);
}

/** The target names configured for a platform, whatever shape (string, object, array) they take. */
function targetNames(target: unknown): string[] {
  const list = Array.isArray(target) ? target : target == null ? [] : [target];
  return list.map((t: unknown) => (typeof t === 'string' ? t : String((t as { target: string }).target)));
}

/** `files` patterns, flattened: getConfig normalizes them into FileSet objects `{ filter }`. */
function filePatterns(files: Configuration['files']): string[] {
  const list: unknown[] = Array.isArray(files) ? files : files == null ? [] : [files];
  return list.flatMap((f) => {
    if (typeof f === 'string') return [f];
    const filter = (f as { filter?: string | string[] }).filter;
    return filter === undefined ? [] : Array.isArray(filter) ? filter : [filter];
  });
}

describe('electron-builder configuration', () => {
  it('is the file electron-builder picks up (not a "build" key in package.json)', async () => {
    const found = await loadConfig<Configuration>({
      packageKey: 'build',
      configFilename: 'electron-builder',
      projectDir: ROOT,
      packageMetadata: null,
    });
    expect(found).not.toBeNull();
    expect(basename(found?.configFile ?? '')).toBe('electron-builder.yml');
  });

  it("passes electron-builder's own schema validation", async () => {
    const config = await loadProjectConfig();
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('names the app and its output directory', async () => {
    const config = await loadProjectConfig();
    expect(config.appId).toBe('com.hallmark.desktop');
    expect(config.productName).toBe('Hallmark');
    expect(config.directories?.output).toBe('dist');
  });

  it('ships only the build output and package.json, never sources, tests or benchmarks', async () => {
    const config = await loadProjectConfig();
    const files = filePatterns(config.files);
    expect(files).toContain('out/**');
    expect(files).toContain('package.json');
    const included = files.filter((f) => !f.startsWith('!'));
    for (const f of included) {
      expect(f).not.toMatch(/^(main|preload|renderer|test|bench|docs|scripts)\//);
    }
  });

  it('packs into asar but keeps native modules unpacked, without rebuilding them', async () => {
    const config = await loadProjectConfig();
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    const unpack = Array.isArray(config.asarUnpack) ? config.asarUnpack : [config.asarUnpack];
    expect(unpack).toEqual(expect.arrayContaining(['**/node_modules/better-sqlite3/**', '**/node_modules/@serialport/**', '**/*.node']));
  });

  it('flips the Electron fuses', async () => {
    const config = await loadProjectConfig();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('configures AppImage, deb, NSIS and dmg targets', async () => {
    const config = await loadProjectConfig();
    expect(targetNames(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targetNames(config.win?.target)).toContain('nsis');
    expect(targetNames(config.mac?.target)).toContain('dmg');

    expect(config.linux?.maintainer ?? config.deb?.maintainer).toMatch(/^.+ <[^@\s]+@[^\s>]+>$/);
    expect(config.linux?.category ?? config.deb?.category).toBeTruthy();
    expect(config.nsis?.oneClick).toBe(false);
    expect(config.nsis?.perMachine).toBe(false);
    expect(config.mac?.hardenedRuntime).toBe(true);
    expect(config.mac?.category).toBe('public.app-category.developer-tools');
  });

  it('rejects an unknown top-level key, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallmark-builder-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', version: '0.0.0' }));
      writeFileSync(join(dir, 'electron-builder.yml'), 'appId: com.example.probe\nbogusKey: 1\n');
      const config = await loadProjectConfig(dir);
      await expect(validate(config)).rejects.toThrow(/unknown property 'bogusKey'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a wrong type and a misspelled fuse, naming the key', async () => {
    const config = await loadProjectConfig();
    await expect(validate({ ...config, npmRebuild: 'no' as unknown as boolean })).rejects.toThrow(/configuration\.npmRebuild should be a boolean/);
    await expect(
      validate({ ...config, electronFuses: { ...config.electronFuses, runAsnode: false } as NonNullable<Configuration['electronFuses']> }),
    ).rejects.toThrow(/configuration\.electronFuses/);
  });
});
