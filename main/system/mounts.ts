import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * What the running machine says about its filesystems and block devices, read from
 * /proc and /sys (Linux). Dependency-free and side-effect free: every function takes the
 * roots it reads, so tests can hand it a fake tree.
 */
export interface SystemRoots {
  /** normally /proc */
  readonly proc: string;
  /** normally /sys */
  readonly sys: string;
  /** normally /dev */
  readonly dev: string;
}

export const SYSTEM_ROOTS: SystemRoots = { proc: '/proc', sys: '/sys', dev: '/dev' };

export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  /** the mount source: /dev/sdb1, /dev/mapper/x, tmpfs, overlay… */
  readonly source: string;
}

/** /proc/self/mountinfo, parsed; [] when it cannot be read (not Linux). */
export function readMounts(roots: SystemRoots = SYSTEM_ROOTS): MountEntry[] {
  let text: string;
  try {
    text = readFileSync(join(roots.proc, 'self/mountinfo'), 'utf8');
  } catch {
    return [];
  }
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    // id parent major:minor root mountpoint options [optional fields…] - fstype source superoptions
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    out.push({ mountPoint: unescapeMount(fields[4]!), fsType: fields[dash + 1]!, source: unescapeMount(fields[dash + 2]!) });
  }
  return out;
}

/** The mount a path lives on: the longest mount point that is a prefix of it (the last one mounted wins a tie). */
export function mountOf(path: string, mounts: readonly MountEntry[]): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
    if (inside && (best === undefined || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** The kernel's block device name of a mount source (/dev/sdb1 → sdb1, /dev/mapper/x → dm-0); null when the source is not a block device. */
export function blockDeviceName(source: string, roots: SystemRoots = SYSTEM_ROOTS): string | null {
  if (!source.startsWith('/')) return null;
  let real = source;
  try {
    real = realpathSync(source.startsWith('/dev/') ? join(roots.dev, source.slice('/dev/'.length)) : source);
  } catch {
    // a source that no longer exists under /dev: judge it by its name
  }
  const name = basename(real);
  return existsSync(join(roots.sys, 'class/block', name)) ? name : null;
}

export interface RemovableVerdict {
  readonly removable: boolean;
  /** why, in words for the error message */
  readonly why: string;
}

/**
 * Whether a block device is, or sits on, removable media: the disk's `removable` flag
 * (USB sticks, SD readers), a disk attached through USB (USB hard disks report removable 0),
 * and through the layers above a disk — a dm-crypt / LVM device is judged by its slaves, a
 * loop device by the file it is backed by.
 */
export function blockDeviceRemovable(name: string, roots: SystemRoots = SYSTEM_ROOTS, depth = 0): RemovableVerdict {
  if (depth > 8) return { removable: true, why: `block device ${name}: too many layers to follow` };
  const node = join(roots.sys, 'class/block', name);
  let disk = name;
  let devicePath: string;
  try {
    devicePath = realpathSync(node);
    // A partition's sysfs directory sits inside its disk's.
    if (existsSync(join(node, 'partition'))) disk = basename(dirname(devicePath));
  } catch {
    return { removable: false, why: `block device ${name} is not in sysfs` };
  }
  const diskNode = join(roots.sys, 'class/block', disk);
  if (readTrim(join(diskNode, 'removable')) === '1') return { removable: true, why: `block device ${disk} is removable (${join(diskNode, 'removable')} is 1)` };
  let diskPath = devicePath;
  try {
    diskPath = realpathSync(diskNode);
  } catch {
    // keep the partition's path
  }
  if (/\/usb\d*\//.test(diskPath)) return { removable: true, why: `block device ${disk} is attached through USB (${diskPath})` };
  let slaves: string[] = [];
  try {
    slaves = readdirSync(join(diskNode, 'slaves'));
  } catch {
    // not a stacked device
  }
  for (const s of slaves) {
    const v = blockDeviceRemovable(s, roots, depth + 1);
    if (v.removable) return { removable: true, why: `block device ${disk} sits on ${s}: ${v.why}` };
  }
  const backing = readTrim(join(diskNode, 'loop/backing_file'));
  if (backing) {
    const v = pathOnRemovableMedia(backing, roots, readMounts(roots), depth + 1);
    if (v.removable) return { removable: true, why: `loop device ${disk} is backed by ${backing}: ${v.why}` };
  }
  return { removable: false, why: `block device ${disk} is fixed` };
}

/** Folders where desktops and administrators mount removable media. */
export const REMOVABLE_MOUNT_PREFIXES = ['/media/', '/run/media/', '/mnt/'] as const;

/** Filesystems that carry no Unix ownership of their own (every file shows the mount's uid) or that come from user space. */
const FOREIGN_FS = new Set(['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'iso9660', 'udf', 'hfs', 'hfsplus']);

/**
 * Whether the (real, absolute) path lives on removable media, by four rules: it is under
 * /media, /run/media or /mnt; its filesystem is one removable media carry (FAT, exFAT,
 * NTFS, ISO 9660, UDF, HFS) or a FUSE mount; or the block device of its mount is removable
 * (blockDeviceRemovable).
 */
export function pathOnRemovableMedia(
  path: string,
  roots: SystemRoots = SYSTEM_ROOTS,
  mounts: readonly MountEntry[] = readMounts(roots),
  depth = 0,
): RemovableVerdict {
  const prefix = REMOVABLE_MOUNT_PREFIXES.find((p) => path.startsWith(p) || `${path}/` === p);
  if (prefix) return { removable: true, why: `it is under ${prefix.slice(0, -1)}, where removable media are mounted` };
  const m = mountOf(path, mounts);
  if (!m) return { removable: false, why: 'no mount table' };
  if (FOREIGN_FS.has(m.fsType) || m.fsType === 'fuse' || m.fsType.startsWith('fuse.')) {
    return { removable: true, why: `it is on a ${m.fsType} filesystem (${m.mountPoint}), as removable media are` };
  }
  const dev = blockDeviceName(m.source, roots);
  if (dev === null) return { removable: false, why: `${m.mountPoint} is not on a block device` };
  const v = blockDeviceRemovable(dev, roots, depth);
  return v.removable ? { removable: true, why: `its filesystem ${m.mountPoint} (${m.source}): ${v.why}` } : v;
}

/** A dm-crypt device: its device-mapper UUID starts with CRYPT- (LUKS, plain dm-crypt). */
export function isDmCrypt(name: string, roots: SystemRoots = SYSTEM_ROOTS): boolean {
  return (readTrim(join(roots.sys, 'block', name, 'dm/uuid')) ?? '').startsWith('CRYPT-');
}

function readTrim(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** mountinfo escapes space, tab, newline and backslash as \040 \011 \012 \134. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}
