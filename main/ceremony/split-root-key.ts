import { basename, join } from 'node:path';
import type { JsonValue } from '../encoding/canonical-json.js';
import type { KeyAlgorithm } from '../keys/key-algorithm.js';
import { KeyError } from '../keys/key-errors.js';
import type { KeyRecord } from '../keys/key-record.js';
import { shareDigest } from '../keys/shares/encrypted-share.js';
import { decryptShare, ShareAuthenticationError } from '../keys/shares/share-cipher.js';
import { parseShareFile, readShareFileText } from '../keys/shares/share-file.js';
import { generateSharedKey, shareFileNames, type CustodianSecret, type SharedKeyLocation, type ShareInput } from '../keys/shares/shared-key-store.js';
import { KeyRepository } from '../store/key-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { OutputDir } from './exclusive-output.js';
import type { ShareOnMedium, TypedBack } from './share-type-back.js';

/** A further check of the shares just written and read back (the custodians typing them back from paper). */
export type ShareCheckHook = (shares: readonly ShareOnMedium[]) => Promise<ReadonlyMap<number, TypedBack>>;

export function plannedShareOutputs(label: string, total: number): string[] {
  return Array.from({ length: total }, (_, i) => shareFileNames(label, i + 1, total)).flatMap((n) => [n.share, n.sheet]);
}

/**
 * How a split made on `dir` is opened again: each custodian's share file there, with
 * their passphrase. A custodian without one is left out; too few shares is the shares
 * store's error to name when the key is opened.
 */
export function splitShareInputs(record: KeyRecord, dir: string, secrets: readonly CustodianSecret[]): ShareInput[] {
  const location = record.location as unknown as SharedKeyLocation;
  return location.shares.flatMap((e) => {
    const passphrase = secrets.find((s) => s.custodian === e.custodian)?.passphrase;
    return passphrase === undefined ? [] : [{ file: join(dir, shareFileNames(record.label, e.index, location.total).share), passphrase }];
  });
}

/**
 * The root key of a shares ceremony: made in memory, split M-of-N, each share encrypted to
 * its custodian's passphrase and written (with its printable sheet) only to the output
 * medium; the whole key is wiped by generateSharedKey before this returns. Each share is
 * then read back from the medium and opened with its custodian's passphrase, so a share
 * that cannot be opened is found now, while the key can still be made again, not at the
 * next CRL. With `check`, each custodian then types their share back from its sheet.
 */
export async function splitRootKey(args: {
  ws: Workspace;
  out: OutputDir;
  label: string;
  algorithm: KeyAlgorithm;
  threshold: number;
  custodians: readonly CustodianSecret[];
  actor: string;
  check?: ShareCheckHook;
}): Promise<{ record: KeyRecord; shares: ShareInput[]; result: { [k: string]: JsonValue } }> {
  const { ws, out, label, algorithm, threshold, custodians } = args;
  const made = await generateSharedKey({ label, algorithm, threshold, custodians: [...custodians], outDir: out.path });
  const record = new KeyRepository(ws).add({ label, algorithm, store: 'shares', spki: made.spki, location: { ...made.location } }, args.actor);

  const shares: ShareInput[] = [];
  const recorded: { [k: string]: JsonValue }[] = [];
  const onMedium: ShareOnMedium[] = [];
  for (const [i, entry] of made.location.shares.entries()) {
    const file = made.shareFiles[i]!;
    const sheet = made.sheetFiles[i]!;
    const passphrase = custodians[i]!.passphrase;
    await verifyShare(file, passphrase, record, entry.sha256, entry.custodian);
    const fileOut = out.adopt(basename(file));
    const sheetOut = out.adopt(basename(sheet));
    shares.push({ file: join(out.path, basename(file)), passphrase });
    recorded.push({
      index: entry.index,
      custodian: entry.custodian,
      shareSha256: entry.sha256,
      file: fileOut.file,
      fileSha256: fileOut.sha256,
      sheet: sheetOut.file,
      sheetSha256: sheetOut.sha256,
      verified: "read back and opened with the custodian's passphrase",
    });
    onMedium.push({ index: entry.index, custodian: entry.custodian, file: join(out.path, basename(file)), sheet: sheetOut.file });
  }
  if (args.check) withTypedBack(recorded, await args.check(onMedium));
  return {
    record,
    shares,
    result: { label, algorithm, store: 'shares', spkiSha256: record.spkiSha256, threshold, total: custodians.length, shares: recorded },
  };
}

/** Adds to each share's record when its custodian typed it back. */
export function withTypedBack(recorded: { [k: string]: JsonValue }[], typed: ReadonlyMap<number, TypedBack>): void {
  for (const r of recorded) {
    const t = typed.get(r.index as number);
    if (t) Object.assign(r, t);
  }
}

export async function verifyShare(path: string, passphrase: string, record: KeyRecord, digest: string, custodian: string): Promise<void> {
  const { share } = parseShareFile(readShareFileText(path));
  if (shareDigest(share) !== digest) throw new KeyError('SHARE_CORRUPT', `the share of ${custodian} read back from ${path} is not the one just made`, 'check');
  try {
    const plain = await decryptShare(share, passphrase, {
      label: record.label,
      index: share.index,
      threshold: share.threshold,
      total: share.total,
      spkiSha256: record.spkiSha256,
    });
    plain.fill(0);
  } catch (e) {
    if (e instanceof ShareAuthenticationError)
      throw new KeyError('SHARE_PASSPHRASE_WRONG', `the share of ${custodian} read back from ${path} does not open with their passphrase`, 'check');
    throw e;
  }
}
