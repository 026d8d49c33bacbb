import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/temp-dir.js';

/** Every fsync, with what kind of thing the descriptor was. */
const synced: ('file' | 'directory')[] = [];
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsyncSync = (fd: number) => {
    synced.push(fs.fstatSync(fd).isDirectory() ? 'directory' : 'file');
    fs.fsyncSync(fd);
  };
  return { ...fs, default: { ...fs, fsyncSync }, fsyncSync };
});

const { writeNewFile } = await import('../../main/files/write-new-file.js');

const dir = tempDir('hallmark-fsync-');
afterAll(() => dir.dispose());

describe('writeNewFile', () => {
  it('fsyncs the file, then its directory, so the new name survives an unplugged medium', () => {
    writeNewFile(join(dir.path, 'calendar.ics'), Buffer.from('BEGIN:VCALENDAR\r\n'));
    expect(synced).toEqual(['file', 'directory']);
  });
});
