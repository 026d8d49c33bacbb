import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMediaFolder, MediaFileError, openMediaFile, readFd, readMediaFile } from '../../main/files/read-media-file.js';
import { tempDir } from '../support/temp-dir.js';

let dir: { path: string; dispose(): void };
beforeAll(() => {
  dir = tempDir('hallmark-media-');
});
afterAll(() => dir.dispose());

function refusal(fn: () => unknown): MediaFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MediaFileError);
    return e as MediaFileError;
  }
  throw new Error('expected a refusal');
}

describe('readMediaFile', () => {
  it('reads a regular file within its limit', () => {
    const p = join(dir.path, 'ok.txt');
    writeFileSync(p, 'hello\n');
    expect(readMediaFile(p, 6, 'test file').toString()).toBe('hello\n');
  });

  it('refuses a symbolic link, naming the link, even to a harmless file', () => {
    const target = join(dir.path, 'target.txt');
    writeFileSync(target, 'x');
    const link = join(dir.path, 'link.txt');
    symlinkSync(target, link);
    const e = refusal(() => readMediaFile(link, 1024, 'share file'));
    expect(e.code).toBe('FILE_SYMLINK_REFUSED');
    expect(e.message).toContain(link);
    expect(e.message).toMatch(/^share file /);
    expect(e.path).toBe(link);
  });

  it('refuses an oversized file from its size, before reading it (a sparse 8 GiB file returns at once)', () => {
    const big = join(dir.path, 'big.json');
    closeSync(openSync(big, 'w'));
    truncateSync(big, 8 * 1024 ** 3);
    const started = Date.now();
    const e = refusal(() => readMediaFile(big, 64 * 1024, 'share file'));
    expect(e.code).toBe('FILE_TOO_LARGE');
    expect(e.message).toContain(big);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a FIFO without hanging, and a device', () => {
    const fifo = join(dir.path, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(refusal(() => readMediaFile(fifo, 1024, 'CSR')).code).toBe('FILE_NOT_REGULAR');
    expect(refusal(() => readMediaFile('/dev/zero', 1024, 'CSR')).code).toBe('FILE_NOT_REGULAR');
    expect(refusal(() => readMediaFile(dir.path, 1024, 'CSR')).code).toBe('FILE_NOT_REGULAR');
  });

  it('names a missing file with its errno', () => {
    const e = refusal(() => readMediaFile(join(dir.path, 'nope'), 10, 'trust file'));
    expect(e).toMatchObject({ code: 'FILE_UNREADABLE', errno: 'ENOENT' });
  });

  it('openMediaFile hands back the descriptor it checked, for reading and appending through it', () => {
    const p = join(dir.path, 'transcript.jsonl');
    writeFileSync(p, 'line 1\n');
    const { fd, stat } = openMediaFile(p, 'transcript', 'append');
    try {
      expect(stat.isFile()).toBe(true);
      expect(readFd(fd, 1024, p, 'transcript').toString()).toBe('line 1\n');
    } finally {
      closeSync(fd);
    }
  });
});

describe('listMediaFolder', () => {
  it('lists regular files and refuses a symlinked entry with its path', () => {
    const folder = join(dir.path, 'WO-1');
    mkdirSync(folder);
    writeFileSync(join(folder, 'manifest.json.p7s'), 'sig');
    expect(listMediaFolder(folder, 'manifest folder').map((e) => e.name)).toEqual(['manifest.json.p7s']);
    symlinkSync('/etc/hostname', join(folder, 'manifest.json'));
    const e = refusal(() => listMediaFolder(folder, 'manifest folder'));
    expect(e.code).toBe('FILE_SYMLINK_REFUSED');
    expect(e.message).toContain(join(folder, 'manifest.json'));
  });

  it('refuses a symlinked folder', () => {
    const real = join(dir.path, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir.path, 'alias'));
    expect(refusal(() => listMediaFolder(join(dir.path, 'alias'), 'manifest folder')).code).toBe('FILE_SYMLINK_REFUSED');
  });
});
