import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { buildPublicationBundle } from '../../main/ceremony/publication/build-publication-bundle.js';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { importManifestFolder } from '../../main/inventory/import-manifest.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { createInventoryKey } from '../../main/revocation/create-inventory-key.js';
import { createRevocationRequest } from '../../main/revocation/create-revocation-request.js';
import { importCrl } from '../../main/revocation/import-crl.js';
import { importPublicationCrls } from '../../main/revocation/import-publication-crls.js';
import { inventoryTrustFromCertificate } from '../../main/revocation/inventory-key-trust.js';
import { issueCrlFromRequest } from '../../main/revocation/issue-crl-from-request.js';
import { readCrl } from '../../main/revocation/read-crl.js';
import { readRevocationRequest } from '../../main/revocation/read-revocation-request.js';
import { serializeRevocationRequest, type RevocationRequestDocument } from '../../main/revocation/revocation-request-format.js';
import type { InventoryRevocations } from '../../main/store/inventory-revocations.js';
import type { InventoryKeyRow } from '../../main/store/revocation-repository.js';
import { SqliteInventoryStore } from '../../main/store/sqlite-inventory-store.js';
import { Workspace } from '../../main/store/workspace.js';
import type { ParsedCertificate } from '../../main/x509/certificate-facts.js';
import { parseCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { closedBatch, exportTo, manifestWorkspace, type ManifestWorkspace } from '../support/manifest-fixture.js';
import { toPem } from '../support/pem.js';
import { requiredTool } from '../support/required-tool.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const hasOpenssl = requiredTool(spawnSync('openssl', ['version']).status === 0, 'openssl', 'openssl');
const tmp = tempDir('hallmark-field-revocation-');
let m: ManifestWorkspace;
let inv: Workspace;
let revs: InventoryRevocations;
let invKey: SyncSigningKey;
let keyRow: InventoryKeyRow;
let trusted: ParsedCertificate;
let anchors: ParsedCertificate[];
let mfgCert: ParsedCertificate;
let chainPem: string;
let serials: string[];
const auditHead = (ws: Workspace) => ws.audit.head()?.seq;
const device = async (serial: string) => (await revs.search({ serial, limit: 10 })).find((d) => d.status !== 'superseded')!;
const crlCount = (ws: Workspace, table = 'crls') => ws.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

/** A request document signed by the real inventory key: what a compromised or buggy inventory could send. */
async function crafted(name: string, edit: (d: RevocationRequestDocument) => RevocationRequestDocument): Promise<string> {
  const base = JSON.parse(readFileSync(join(tmp.path, 'req1', 'revocation-request.json'), 'utf8')) as RevocationRequestDocument;
  const json = serializeRevocationRequest(edit(base));
  const dir = join(tmp.path, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'revocation-request.json'), json);
  writeFileSync(
    join(dir, 'revocation-request.json.p7s'),
    await signDetachedCms({ content: json, signer: invKey, signerCertificate: keyRow.certificate, chain: [], signingTime: new Date() }),
  );
  return join(dir, 'revocation-request.json');
}

beforeAll(async () => {
  m = await manifestWorkspace(join(tmp.path, 'factory'));
  serials = await closedBatch(m, 'WO-R1');
  const dir = join(tmp.path, 'usb', 'WO-R1');
  await exportTo(m, 'WO-R1', dir);
  anchors = readTrustAnchors(readFileSync(m.rootPem));
  mfgCert = parseCertificateFast(m.caChain[0]!);
  chainPem = join(tmp.path, 'chain.pem');
  writeFileSync(chainPem, m.caChain.map((d) => toPem(d)).join(''));
  inv = Workspace.init(join(tmp.path, 'inventory'), 'clerk').workspace;
  importManifestFolder(inv, dir, { anchors, actor: 'clerk' });
  revs = new SqliteInventoryStore(inv).revocations();
  invKey = await newSoftwareKey(inv, 'inventory-key', 'ecdsa-p256');
  keyRow = await createInventoryKey(inv, { key: invKey, actor: 'clerk' });
  trusted = inventoryTrustFromCertificate(Buffer.from(toPem(keyRow.certificate))).certificate;
}, 60_000);

afterAll(() => {
  m?.ws.close();
  inv?.close();
  tmp.dispose();
});

describe('field revocation, inventory → offline CA → inventory', () => {
  let crl1: Buffer;

  it('signs a request at the inventory; the devices show as revocation requested', async () => {
    const before = auditHead(inv)!;
    const r = await createRevocationRequest(revs, {
      selection: { serials: [serials[0]!], fingerprints: [(await device(serials[1]!)).certificateSha256] },
      reason: 'keyCompromise',
      key: invKey,
      workspace: inv,
      outDir: join(tmp.path, 'req1'),
      actor: 'clerk',
    });
    expect(r.entries.map((e) => e.hardwareSerial).sort()).toEqual([serials[0], serials[1]]);
    const json = readFileSync(r.files.json);
    expect(createHash('sha256').update(json).digest('hex')).toBe(r.sha256);
    expect(existsSync(r.files.p7s)).toBe(true);
    expect(await revs.pendingCertificates()).toEqual(new Set(r.entries.map((e) => e.certificateSha256)));
    expect(await revs.requests()).toMatchObject([{ sha256: r.sha256, entries: 2, pending: 2, covered: 0 }]);
    expect(inv.audit.query({ sinceSeq: before }).entries.map((e) => e.action)).toEqual(['inventory.revocation-requested']);
    // the same device again is refused by name while it waits
    expect(
      await codeOf(
        createRevocationRequest(revs, {
          selection: { serials: [serials[0]!] },
          reason: 'superseded',
          key: invKey,
          workspace: inv,
          outDir: join(tmp.path, 'req-again'),
          actor: 'clerk',
        }),
      ),
    ).toBe('REVOCATION_ALREADY_REQUESTED');
    expect(existsSync(join(tmp.path, 'req-again'))).toBe(false);
    expect(
      await codeOf(
        createRevocationRequest(revs, {
          selection: { serials: ['HM-NOPE-1'] },
          reason: 'superseded',
          key: invKey,
          workspace: inv,
          outDir: join(tmp.path, 'req-x'),
          actor: 'clerk',
        }),
      ),
    ).toBe('REVOCATION_SELECTION_INVALID');
  });

  it('the CA verifies the request, revokes exactly its certificates and signs the CRL; openssl agrees', async () => {
    const request = readRevocationRequest(join(tmp.path, 'req1', 'revocation-request.json'), trusted);
    const { der, crlNumber, review } = await issueCrlFromRequest(m.ws, { ca: 'mfg', caKey: m.caKey, request, nextUpdateDays: 30, actor: 'custodian' });
    crl1 = der;
    expect(review.byReason).toEqual({ keyCompromise: 2 });
    expect(crlNumber).toBe(1);
    const issued = m.ws.audit
      .query({})
      .entries.filter((e) => e.action === 'crl.issued')
      .at(-1)!;
    expect(issued.details).toMatchObject({ revocationRequest: { sha256: request.sha256 } });
    if (!hasOpenssl) return;
    const crlPem = join(tmp.path, 'crl1.pem');
    writeFileSync(crlPem, toPem(der, 'X509 CRL'));
    expect(spawnSync('openssl', ['crl', '-in', crlPem, '-CAfile', chainPem, '-noout', '-verify'], { encoding: 'utf8' }).stderr).toMatch(/verify OK/);
    const check = async (serial: string) => {
      const pem = join(tmp.path, `${serial}.pem`);
      writeFileSync(pem, toPem((await device(serial)).der));
      return spawnSync('openssl', ['verify', '-crl_check', '-CAfile', chainPem, '-CRLfile', crlPem, pem], { encoding: 'utf8' });
    };
    const revoked = await check(serials[0]!);
    expect(revoked.status).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toMatch(/certificate revoked/);
    expect((await check(serials[1]!)).status).not.toBe(0);
    const good = await check(serials[2]!);
    expect(good.status, good.stderr).toBe(0);
  });

  it('refuses a request that was altered, signed by another key, names another CA, unknown serials or duplicates; nothing recorded', async () => {
    const altered = join(tmp.path, 'altered');
    cpSync(join(tmp.path, 'req1'), altered, { recursive: true });
    const path = join(altered, 'revocation-request.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('keyCompromise', 'superseded'));
    expect(await codeOf(() => readRevocationRequest(path, trusted))).toBe('REVOCATION_REQUEST_SIGNATURE_INVALID');

    const other = Workspace.init(join(tmp.path, 'other-inventory'), 'mallory').workspace;
    const otherRow = await createInventoryKey(other, { key: await newSoftwareKey(other, 'k', 'ecdsa-p256'), actor: 'mallory' });
    other.close();
    expect(await codeOf(() => readRevocationRequest(join(tmp.path, 'req1', 'revocation-request.json'), parseCertificateFast(otherRow.certificate)))).toBe(
      'REVOCATION_REQUEST_UNTRUSTED',
    );
    expect(await codeOf(() => inventoryTrustFromCertificate(m.caChain[0]!))).toBe('REVOCATION_TRUST_INVALID');

    const dup = await crafted('dup', (d) => ({ ...d, entries: [d.entries[0]!, d.entries[0]!] }));
    expect(await codeOf(() => readRevocationRequest(dup, trusted))).toBe('REVOCATION_REQUEST_DUPLICATE');

    const third = await device(serials[2]!);
    const unknown = await crafted('unknown', (d) => ({
      ...d,
      entries: [
        { ...d.entries[0]!, certificateSerial: third.certificateSerial, certificateSha256: third.certificateSha256 },
        { ...d.entries[0]!, certificateSerial: '0badc0de' },
      ],
    }));
    const before = {
      crls: crlCount(m.ws),
      audit: auditHead(m.ws),
      revoked: m.ws.db.prepare("SELECT COUNT(*) FROM certificates WHERE status = 'revoked'").pluck().get(),
    };
    const unknownError = await issueCrlFromRequest(m.ws, {
      ca: 'mfg',
      caKey: m.caKey,
      request: readRevocationRequest(unknown, trusted),
      nextUpdateDays: 30,
      actor: 'custodian',
    }).catch((e: Error) => e);
    expect(unknownError).toMatchObject({ code: 'REVOCATION_REQUEST_UNKNOWN_SERIAL' });
    expect((unknownError as Error).message).toContain('0badc0de');
    const fresh = await crafted('fresh', (d) => ({
      ...d,
      entries: [{ ...d.entries[0]!, certificateSerial: third.certificateSerial, certificateSha256: third.certificateSha256 }],
    }));
    expect(
      await codeOf(
        issueCrlFromRequest(m.ws, { ca: 'root', caKey: m.caKey, request: readRevocationRequest(fresh, trusted), nextUpdateDays: 30, actor: 'custodian' }),
      ),
    ).toBe('REVOCATION_REQUEST_OTHER_ISSUER');
    expect(
      await codeOf(
        issueCrlFromRequest(m.ws, {
          ca: 'mfg',
          caKey: m.caKey,
          request: readRevocationRequest(join(tmp.path, 'req1', 'revocation-request.json'), trusted),
          nextUpdateDays: 30,
          actor: 'custodian',
        }),
      ),
    ).toBe('REVOCATION_REQUEST_ALREADY_REVOKED');
    expect({
      crls: crlCount(m.ws),
      audit: auditHead(m.ws),
      revoked: m.ws.db.prepare("SELECT COUNT(*) FROM certificates WHERE status = 'revoked'").pluck().get(),
    }).toEqual(before);
  });

  it('back at the inventory: the CRL revokes the requested devices; a request not yet covered stays pending', async () => {
    // a second request, for a device the next CRL will not list
    await createRevocationRequest(revs, {
      selection: { serials: [serials[2]!] },
      reason: 'cessationOfOperation',
      key: invKey,
      workspace: inv,
      outDir: join(tmp.path, 'req2'),
      actor: 'clerk',
    });
    const bad = Buffer.from(crl1);
    bad[bad.length - 5] = bad[bad.length - 5]! ^ 0x01;
    expect(await codeOf(() => importCrl(revs, readCrl(bad), { anchors, issuers: [mfgCert], actor: 'clerk' }))).toBe('CRL_UNTRUSTED');
    expect(await codeOf(() => importCrl(revs, readCrl(crl1), { anchors, actor: 'clerk' }))).toBe('CRL_UNTRUSTED');
    expect(crlCount(inv, 'inventory_crls')).toBe(0);

    const r = await importCrl(revs, readCrl(crl1), { anchors, issuers: [mfgCert], actor: 'clerk' });
    // the reworked device's first certificate is listed too (superseded at the factory), already retired here
    expect(r).toMatchObject({ created: true, crlNumber: 1, revoked: 2, alreadyRetired: 1, requestsCovered: 2, requestsPending: 1 });
    for (const s of serials.slice(0, 2))
      expect((await revs.search({ serial: s, limit: 10 })).find((d) => d.status === 'revoked')).toMatchObject({ revocationReason: 'keyCompromise' });
    expect((await device(serials[2]!)).status).toBe('confirmed');
    expect(await revs.pendingCertificates()).toEqual(new Set([(await device(serials[2]!)).certificateSha256]));
    expect(await revs.pendingDevices()).toMatchObject([{ hardwareSerial: serials[2], reason: 'cessationOfOperation', status: 'confirmed' }]);
    expect(await importCrl(revs, readCrl(crl1), { anchors, issuers: [mfgCert], actor: 'clerk' })).toMatchObject({ created: false, requestsPending: 1 });
  });

  it('refuses a CRL older than the one imported, and imports the publication bundle after verifying it', async () => {
    const older = (await issueCrl(m.ws, { ca: 'mfg', caKey: m.caKey, nextUpdateDays: 30, actor: 'custodian' })).der;
    const fresh = await issueCrl(m.ws, { ca: 'mfg', caKey: m.caKey, nextUpdateDays: 30, actor: 'custodian' });
    // the bundle a CRL ceremony would publish: SHA256SUMS over its files, signed by the CA key
    const bundle = join(tmp.path, 'publication');
    mkdirSync(bundle);
    const { files } = buildPublicationBundle(m.ws, { cas: ['mfg'], newCertificates: [] });
    for (const f of files) writeFileSync(join(bundle, f.name), f.bytes);
    const sums = Buffer.from(files.map((f) => `${createHash('sha256').update(f.bytes).digest('hex')}  ${f.name}\n`).join(''));
    writeFileSync(join(bundle, 'SHA256SUMS'), sums);
    writeFileSync(
      join(bundle, 'SHA256SUMS.p7s'),
      await signDetachedCms({ content: sums, signer: m.caKey, signerCertificate: m.caChain[0]!, chain: [m.caChain[1]!], signingTime: new Date() }),
    );

    const tampered = join(tmp.path, 'publication-tampered');
    cpSync(bundle, tampered, { recursive: true });
    writeFileSync(join(tampered, `mfg-crl-${fresh.crlNumber}.der`), older);
    expect(await codeOf(() => importPublicationCrls(revs, tampered, { trust: [readFileSync(m.rootPem)], anchors, actor: 'clerk' }))).toBe('CRL_BUNDLE_INVALID');

    const results = await importPublicationCrls(revs, bundle, { trust: [readFileSync(m.rootPem)], anchors, actor: 'clerk' });
    expect(results).toMatchObject([{ created: true, crlNumber: fresh.crlNumber, revoked: 0, alreadyRetired: 3, requestsPending: 1 }]);
    const before = { crls: crlCount(inv, 'inventory_crls'), audit: auditHead(inv) };
    expect(await codeOf(() => importCrl(revs, readCrl(older), { anchors, issuers: [mfgCert], actor: 'clerk' }))).toBe('CRL_OLDER_THAN_IMPORTED');
    expect({ crls: crlCount(inv, 'inventory_crls'), audit: auditHead(inv) }).toEqual(before);
    expect(inv.verifyAudit().ok).toBe(true);
  });
});

// The same flow on a PostgreSQL inventory, with concurrent stations and imports: field-revocation-pg.test.ts.
