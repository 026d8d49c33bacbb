import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidInputError } from '../../errors/hallmark-error.js';
import { DeviceError } from '../device-errors.js';
import type { SerialPortInfo } from './list-serial-ports.js';

/**
 * Ports named by a path pattern instead of USB metadata: socat PTYs (the simulator) and
 * symlinks made by udev rules never show up in SerialPort.list() with vendor and product
 * ids, so a fixture made of them is named by a pattern like `/tmp/sim/station-*`.
 *
 * Wildcards (`*`, `?`, `[...]`) are allowed in the last path segment only: the directory
 * is read, never walked, so a listing stays one `readdir` however often it is polled.
 */
export function globPortLister(pattern: string): () => Promise<SerialPortInfo[]> {
  const absolute = resolve(pattern);
  const dir = dirname(absolute);
  if (/[*?[\]]/.test(dir)) {
    throw new InvalidInputError(`port pattern "${pattern}": wildcards are allowed in the last path segment only`, { pattern });
  }
  const matcher = globSegment(basename(absolute));
  return async () => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      // The directory may not exist yet (the simulator or udev makes it later): no ports.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DeviceError('LINK_OPEN_FAILED', `cannot list ${dir}: ${(e as Error).message}`, { pattern });
    }
    const ports: SerialPortInfo[] = [];
    for (const name of names.filter((n) => matcher.test(n)).sort()) {
      const info = await characterDevice(join(dir, name));
      if (info !== undefined) ports.push(info);
    }
    return ports;
  };
}

/**
 * A path that is (or links to) a character device, or undefined (gone meanwhile, a
 * dangling link, a plain file). The path stays the same when a device is swapped (socat
 * makes the same link name again; udev makes the same /dev node again), so `location`
 * carries what does change — the link's target, and the inode and birth time of the link
 * or node (on ext4 a freed inode and /dev/pts number are reused at once, so only the birth
 * time tells a new link from the old one; ctime would not do, udev's chmod changes it) —
 * and the watcher sees a swap between two polls as removed + added.
 */
async function characterDevice(path: string): Promise<SerialPortInfo | undefined> {
  try {
    const [link, target] = await Promise.all([lstat(path), stat(path)]);
    if (!target.isCharacterDevice()) return undefined;
    const real = await realpath(path);
    return { path, location: `${real}#${link.ino}@${link.birthtimeMs}`, pnpId: `glob:${real}` };
  } catch {
    return undefined;
  }
}

/** One path segment's shell-style pattern as a whole-name regular expression. */
export function globSegment(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  // A leading wildcard does not match hidden names, as in a shell (`*` never lists `.lock`).
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}
