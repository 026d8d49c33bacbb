import { readFileSync } from 'node:fs';

/**
 * The application version from package.json, read once. Bundled builds get it injected
 * at build time (electron.vite.config.ts defines __HALLMARK_VERSION__); plain Node reads
 * the file next to the sources.
 */
declare const __HALLMARK_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __HALLMARK_VERSION__ === 'string') return __HALLMARK_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const APP_VERSION: string = readVersion();
