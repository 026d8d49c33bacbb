import { join } from 'node:path';
import { combine, split } from 'shamir-secret-sharing';
import type { JsonValue } from '../encoding/canonical-json.js';
import { KeyError } from '../keys/key-errors.js';
import type { KeyRecord } from '../keys/key-record.js';
import type { SigningKey } from '../keys/signing-key.js';
import { shareDigest, type EncryptedShare } from '../keys/shares/encrypted-share.js';
import { decryptShare, encryptShare } from '../keys/shares/share-cipher.js';
import { parseShareFile, readShareFileText, serializeShareFile, toShareFile } from '../keys/shares/share-file.js';
import { renderShareSheet } from '../keys/shares/share-sheet.js';
import { formatShareText } from '../keys/shares/share-text.js';
import {
  openSharedKey,
  shareFileNames,
  type CustodianSecret,
  type ShareEntry,
  type SharedKeyLocation,
  type ShareInput,
} from '../keys/shares/shared-key-store.js';
import { privateKeyForRecord } from '../keys/software/key-object-signing-key.js';
import { writeFileExclusive } from '../keys/software/write-exclusive.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { OutputDir } from './exclusive-output.js';
import type { ShareOnMedium } from './share-type-back.js';
import { verifyShare, withTypedBack, type ShareCheckHook } from './split-root-key.js';

/**
 * key-backup: the key is reassembled in memory from M old shares (each checked against
 * the workspace's record by openSharedKey first, so a wrong passphrase or a damaged share
 * is named), split afresh M'-of-N' for the new custodians, and wiped. The new shares go
 * only to the output medium and are read back and opened with each new passphrase; then
 * the workspace's record is switched to the new split in one transaction with its audit
 * entry, so the old shares stop opening the key the moment the new ones are known good
 * (with `check`, once every new custodian has also typed their share back from paper).
 * Returns the reassembled key too: it signs this ceremony's transcript, then is closed.
 */
export async function resplitSharedKey(args: {
  ws: Workspace;
  out: OutputDir;
  record: KeyRecord;
  oldShares: readonly ShareInput[];
  threshold: number;
  custodians: readonly CustodianSecret[];
  actor: string;
  check?: ShareCheckHook;
}): Promise<{ signer: SigningKey; result: { [k: string]: JsonValue } }> {
  const { ws, out, record, threshold, custodians } = args;
  const oldLocation = record.location as unknown as SharedKeyLocation;
  const signer = await openSharedKey(record, [...args.oldShares]);
  try {
    const total = custodians.length;
    const spkiSha256 = record.spkiSha256;
    const encrypted: EncryptedShare[] = [];
    const plain: Uint8Array[] = [];
    let fresh: Uint8Array[] = [];
    let secret: Uint8Array | undefined;
    try {
      for (const input of args.oldShares) {
        const { share } = parseShareFile(readShareFileText(input.file!));
        const d = await decryptShare(share, input.passphrase, {
          label: record.label,
          index: share.index,
          threshold: share.threshold,
          total: share.total,
          spkiSha256,
        });
        plain.push(new Uint8Array(d));
        d.fill(0);
      }
      secret = await combine(plain);
      // The same check openSharedKey made, on the very bytes about to be split.
      privateKeyForRecord(
        Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength),
        record,
        (why) => new KeyError('SHARE_MISMATCH', `the old shares do not rebuild key "${record.label}" (${why})`, 'check'),
      );
      fresh = await split(secret, total, threshold);
      for (const [i, { passphrase }] of custodians.entries())
        encrypted.push(await encryptShare(fresh[i]!, passphrase, { label: record.label, index: i + 1, threshold, total, spkiSha256 }));
    } finally {
      for (const p of [...plain, ...fresh]) p.fill(0);
      secret?.fill(0);
    }

    const createdAt = new Date().toISOString();
    const entries: ShareEntry[] = [];
    const recorded: { [k: string]: JsonValue }[] = [];
    const onMedium: ShareOnMedium[] = [];
    for (const [i, share] of encrypted.entries()) {
      const custodian = custodians[i]!.custodian;
      const sha256 = shareDigest(share);
      const names = shareFileNames(record.label, share.index, total);
      writeFileExclusive(
        join(out.path, names.share),
        serializeShareFile(toShareFile(share, { label: record.label, algorithm: record.algorithm, custodian, spkiSha256, createdAt })),
      );
      const fileOut = out.adopt(names.share);
      const sheet = await renderShareSheet({
        label: record.label,
        algorithm: record.algorithm,
        custodian,
        index: share.index,
        threshold,
        total,
        spkiSha256,
        shareSha256: sha256,
        createdAt,
        lines: formatShareText(share),
      });
      writeFileExclusive(join(out.path, names.sheet), sheet);
      const sheetOut = out.adopt(names.sheet);
      await verifyShare(join(out.path, names.share), custodians[i]!.passphrase, record, sha256, custodian);
      entries.push({ index: share.index, custodian, sha256 });
      recorded.push({
        index: share.index,
        custodian,
        shareSha256: sha256,
        file: fileOut.file,
        fileSha256: fileOut.sha256,
        sheet: sheetOut.file,
        sheetSha256: sheetOut.sha256,
        verified: "read back and opened with the custodian's passphrase",
      });
      onMedium.push({ index: share.index, custodian, file: join(out.path, names.share), sheet: sheetOut.file });
    }
    // Before the record switches: a sheet nobody can type back must not become the only way to the key.
    if (args.check) withTypedBack(recorded, await args.check(onMedium));

    const location: SharedKeyLocation = { threshold, total, shares: entries };
    new KeyRepository(ws).relocate(record.label, location, args.actor, 'key.resplit', {
      spkiSha256,
      old: oldLocation,
      new: location,
    });
    return {
      signer,
      result: {
        label: record.label,
        spkiSha256,
        old: { threshold: oldLocation.threshold, total: oldLocation.total, sharesUsed: args.oldShares.length },
        threshold,
        total,
        shares: recorded,
      },
    };
  } catch (e) {
    signer.close();
    throw e;
  }
}
