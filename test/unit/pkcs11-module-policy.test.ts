import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHallmarkError } from '../../main/errors/hallmark-error.js';
import { checkPkcs11Module, pkcs11AllowList, pkcs11ModulesFromEnv } from '../../main/keys/pkcs11/pkcs11-module-policy.js';
import { blockDeviceRemovable, pathOnRemovableMedia, type SystemRoots } from '../../main/system/mounts.js';
import { findSoftHsmModule, softHsmAvailable } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-module-policy-');
afterAll(() => tmp.dispose());

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isHallmarkError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('the PKCS#11 module allow-list', () => {
  it('reads HALLMARK_PKCS11_MODULES as colon-separated paths, then the workspace list', () => {
    expect(pkcs11ModulesFromEnv({ HALLMARK_PKCS11_MODULES: '/a.so::/b.so:' })).toEqual(['/a.so', '/b.so']);
    expect(pkcs11AllowList({ HALLMARK_PKCS11_MODULES: '/a.so' }, ['/c.so']).entries).toEqual([
      { path: '/a.so', from: 'environment' },
      { path: '/c.so', from: 'workspace' },
    ]);
  });

  it('refuses a relative path without resolving it, and a path not on the list, naming it', () => {
    expect(codeOf(() => checkPkcs11Module('libsofthsm2.so', pkcs11AllowList({ HALLMARK_PKCS11_MODULES: 'libsofthsm2.so' })))).toMatchObject({
      code: 'PKCS11_MODULE_UNSAFE',
      message: expect.stringContaining('libsofthsm2.so is not absolute'),
    });
    const lib = join(tmp.path, 'lib.so');
    writeFileSync(lib, 'not a library');
    expect(codeOf(() => checkPkcs11Module(lib, pkcs11AllowList({})))).toMatchObject({
      code: 'PKCS11_MODULE_NOT_ALLOWED',
      message: expect.stringContaining(lib),
    });
  });

  it('refuses a listed module whose file or folders are not root-owned and closed to others', () => {
    const lib = join(tmp.path, 'listed.so');
    writeFileSync(lib, 'not a library');
    const r = codeOf(() => checkPkcs11Module(lib, pkcs11AllowList({ HALLMARK_PKCS11_MODULES: lib })));
    expect(r.code).toBe('PKCS11_MODULE_UNSAFE');
    expect(r.message).toMatch(/owned by uid \d+, not root|writable by/);
  });

  it.skipIf(!softHsmAvailable())('admits a root-owned module on a fixed disk, also named through a symbolic link to the listed file', () => {
    const module = findSoftHsmModule()!;
    const real = checkPkcs11Module(module, pkcs11AllowList({ HALLMARK_PKCS11_MODULES: module }));
    expect(real).toMatch(/libsofthsm2\.so$/);
    // Listed by its real path, named by the distribution's link (or the other way round): the same file.
    expect(checkPkcs11Module(module, pkcs11AllowList({}, [real]))).toBe(real);
  });
});

describe('removable media (main/system/mounts.ts)', () => {
  /** A fake /proc, /sys and /dev: sdb is a USB disk that says removable 0, sdc an SD card, dm-0 LUKS on sdc, vda fixed, loop0 backed by a file on sdc. */
  function fakeMachine(): SystemRoots {
    const root = join(tmp.path, 'machine');
    const roots = { proc: join(root, 'proc'), sys: join(root, 'sys'), dev: join(root, 'dev') };
    const dev = (name: string, sysPath: string, attrs: Record<string, string>) => {
      const full = join(roots.sys, 'devices', sysPath);
      mkdirSync(full, { recursive: true });
      for (const [k, v] of Object.entries(attrs)) {
        mkdirSync(join(full, k, '..'), { recursive: true });
        writeFileSync(join(full, k), v);
      }
      mkdirSync(join(roots.sys, 'class/block'), { recursive: true });
      symlinkSync(full, join(roots.sys, 'class/block', name));
      mkdirSync(roots.dev, { recursive: true });
      writeFileSync(join(roots.dev, name), '');
    };
    dev('vda', 'pci0/virtio1/block/vda', { removable: '0' });
    dev('vda1', 'pci0/virtio1/block/vda/vda1', { partition: '1' });
    dev('sdb', 'pci0/usb2/2-1/host6/block/sdb', { removable: '0' });
    dev('sdb1', 'pci0/usb2/2-1/host6/block/sdb/sdb1', { partition: '1' });
    dev('sdc', 'pci0/mmc0/block/sdc', { removable: '1' });
    dev('sdc1', 'pci0/mmc0/block/sdc/sdc1', { partition: '1' });
    dev('dm-0', 'virtual/block/dm-0', { removable: '0', 'dm/uuid': 'CRYPT-LUKS2-abc-stick' });
    mkdirSync(join(roots.sys, 'devices/virtual/block/dm-0/slaves'), { recursive: true });
    writeFileSync(join(roots.sys, 'devices/virtual/block/dm-0/slaves/sdc1'), '');
    dev('loop0', 'virtual/block/loop0', { removable: '0', 'loop/backing_file': '/srv/card/image.img\n' });
    mkdirSync(join(roots.proc, 'self'), { recursive: true });
    writeFileSync(
      join(roots.proc, 'self/mountinfo'),
      [
        '27 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw',
        '40 27 8:17 / /srv/usb\\040disk rw,relatime - ext4 /dev/sdb1 rw',
        '41 27 8:33 / /srv/card rw,relatime - ext4 /dev/sdc1 rw',
        '42 27 253:0 / /srv/luks rw,relatime - ext4 /dev/dm-0 rw',
        '43 27 7:0 / /srv/image rw,relatime - ext4 /dev/loop0 rw',
        '44 27 8:18 / /srv/fat rw,relatime - vfat /dev/vda1 rw',
        '',
      ].join('\n'),
    );
    return roots;
  }

  it('names each reason a path is on removable media, and passes a fixed disk', () => {
    const roots = fakeMachine();
    expect(pathOnRemovableMedia('/media/alice/STICK/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('/media') });
    expect(pathOnRemovableMedia('/run/media/alice/STICK/lib.so', roots).removable).toBe(true);
    expect(pathOnRemovableMedia('/mnt/lib.so', roots).removable).toBe(true);
    expect(pathOnRemovableMedia('/usr/lib/softhsm/libsofthsm2.so', roots)).toMatchObject({ removable: false });
    expect(pathOnRemovableMedia('/srv/usb disk/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('attached through USB') });
    expect(pathOnRemovableMedia('/srv/card/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('sdc is removable') });
    expect(pathOnRemovableMedia('/srv/luks/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('sits on sdc1') });
    expect(pathOnRemovableMedia('/srv/image/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('backed by /srv/card/image.img') });
    expect(pathOnRemovableMedia('/srv/fat/lib.so', roots)).toMatchObject({ removable: true, why: expect.stringContaining('vfat') });
    expect(blockDeviceRemovable('vda1', roots)).toMatchObject({ removable: false });
  });
});
