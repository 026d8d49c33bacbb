import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caCalendar } from '../../main/ca/ca-calendar.js';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { buildPublicationBundle } from '../../main/ceremony/publication/build-publication-bundle.js';
import type { PublicationDocument } from '../../main/ceremony/publication/publication-format.js';
import { verifyPublicationBundle } from '../../main/ceremony/publication/verify-publication-bundle.js';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { prop, readICalendar, unescapeText } from '../support/ical-reader.js';
import { toPem } from '../support/pem.js';
import { runCli } from '../support/run-cli.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const DAY = 86_400_000;
const tmp = tempDir('hallmark-publication-');
const home = join(tmp.path, 'ws');
const rootPem = join(tmp.path, 'root.pem');
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'tester', ...args]);
const openssl = (...args: string[]) => spawnSync('openssl', args, { encoding: 'utf8' });

let ws: Workspace;
let rootKey: SyncSigningKey;
let rootDer: Buffer;
let crlNextUpdate: Date;
let crlThisUpdate: Date;

/** Writes the bundle as the ceremony run will: the files, SHA256SUMS over them, a CMS over SHA256SUMS by `signer`. */
async function writeBundle(dir: string, files: { name: string; bytes: Buffer }[], signer: SyncSigningKey, signerDer: Buffer): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.bytes, { flag: 'wx' });
  const sums = Buffer.from(files.map((f) => `${createSha256(f.bytes)}  ${f.name}\n`).join(''));
  writeFileSync(join(dir, 'SHA256SUMS'), sums, { flag: 'wx' });
  writeFileSync(
    join(dir, 'SHA256SUMS.p7s'),
    await signDetachedCms({ content: sums, signer, signerCertificate: signerDer, chain: [], signingTime: new Date() }),
    { flag: 'wx' },
  );
}

function createSha256(b: Buffer): string {
  return spawnSync('sha256sum', { input: b, encoding: 'utf8' }).stdout.slice(0, 64);
}

beforeAll(async () => {
  ws = Workspace.init(home, 'custodian').workspace;
  rootKey = await newSoftwareKey(ws, 'root-key', 'ecdsa-p384');
  const root = await createRootCa(ws, {
    name: 'acme-root',
    subject: parseSubject('C=DE,O=Acme\\, Inc.,CN=Acme Root 2026'),
    key: rootKey,
    validityDays: 3650,
    actor: 'custodian',
  });
  rootDer = root.certificate.der;
  await newSoftwareKey(ws, 'online-key', 'ecdsa-p256');
  await createIntermediateCa(ws, {
    name: 'acme-online',
    parent: 'acme-root',
    parentKey: rootKey,
    subject: parseSubject('C=DE,O=Acme\\, Inc.,CN=Acme Online CA'),
    key: new KeyRepository(ws).get('online-key'),
    validityDays: 1825,
    options: { pathLen: 0 },
    actor: 'custodian',
  });
  await issueCrl(ws, { ca: 'acme-root', caKey: rootKey, nextUpdateDays: 30, actor: 'custodian' });
  crlThisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000);
  await issueCrl(ws, { ca: 'acme-root', caKey: rootKey, nextUpdateDays: 90, thisUpdate: crlThisUpdate, actor: 'custodian' });
  crlNextUpdate = new Date(crlThisUpdate.getTime() + 90 * DAY);
  writeFileSync(rootPem, toPem(rootDer));
}, 60_000);

afterAll(() => {
  ws.close();
  tmp.dispose();
});

describe('publication bundle', () => {
  it('holds the CA certificates, the chain, the latest CRL and a description; verifies signed; openssl agrees', async () => {
    const { files } = buildPublicationBundle(ws, { cas: ['acme-online'], newCertificates: ['acme-online'] });
    expect(files.map((f) => f.name).sort()).toEqual([
      'acme-online.der',
      'acme-online.pem',
      'acme-root-crl-2.der',
      'acme-root-crl-2.pem',
      'acme-root.der',
      'acme-root.pem',
      'chain.pem',
      'publication.json',
    ]);
    const doc = JSON.parse(files.find((f) => f.name === 'publication.json')!.bytes.toString()) as PublicationDocument;
    expect(doc.format).toBe('hallmark-publication-v1');
    expect(doc.chain).toEqual(['acme-online', 'acme-root']);
    expect(doc.cas.map((c) => [c.name, c.issuer, c.isNew])).toEqual([
      ['acme-online', 'acme-root', true],
      ['acme-root', null, false],
    ]);
    expect(doc.cas[1]!.subject).toMatch(/CN=Acme Root 2026/);
    expect(doc.crls).toEqual([
      expect.objectContaining({ ca: 'acme-root', number: 2, thisUpdate: crlThisUpdate.toISOString(), nextUpdate: crlNextUpdate.toISOString() }),
    ]);

    const dir = join(tmp.path, 'good', 'publication');
    await writeBundle(dir, files, rootKey, rootDer);
    const report = verifyPublicationBundle(dir, { trust: [readFileSync(rootPem)] });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.check)).toEqual(['sums', 'signature', 'description', 'certificate', 'certificate', 'chain', 'crl']);
    expect(report.signer).toMatch(/CN=Acme Root 2026/);

    // The receiving side's tools read the same bundle.
    const chainCheck = openssl('verify', '-x509_strict', '-CAfile', rootPem, '-untrusted', join(dir, 'chain.pem'), join(dir, 'acme-online.pem'));
    expect(chainCheck.stdout.trim()).toBe(`${join(dir, 'acme-online.pem')}: OK`);
    expect(openssl('crl', '-in', join(dir, 'acme-root-crl-2.pem'), '-CAfile', rootPem, '-noout').stderr).toMatch(/verify OK/);
    const cms = openssl(
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      join(dir, 'SHA256SUMS.p7s'),
      '-content',
      join(dir, 'SHA256SUMS'),
      '-CAfile',
      rootPem,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    );
    expect(cms.stderr).toMatch(/Verification successful/);
    expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);

    const viaCli = await runCli(['ceremony', 'verify-publication', dir, '--trust', rootPem]);
    expect(viaCli.code).toBe(0);
    expect(viaCli.stdout).toMatch(/^ok\s+crl\s+CRL 2 of "acme-root"/m);
    const json = await runCli(['--json', 'ceremony', 'verify-publication', dir, '--trust', rootPem]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, document: { chain: ['acme-online', 'acme-root'] } });
  });

  it('names the file that was changed, added or signed by an untrusted key', async () => {
    const { files } = buildPublicationBundle(ws, { cas: ['acme-root'], newCertificates: [] });
    const good = join(tmp.path, 'root-only', 'publication');
    await writeBundle(good, files, rootKey, rootDer);
    expect(verifyPublicationBundle(good, { trust: [readFileSync(rootPem)] }).ok).toBe(true);

    const tampered = join(tmp.path, 'tampered');
    cpSync(good, tampered, { recursive: true });
    appendFileSync(join(tampered, 'acme-root-crl-2.pem'), '\n');
    writeFileSync(join(tampered, 'extra.txt'), 'not listed');
    const report = verifyPublicationBundle(tampered, { trust: [readFileSync(rootPem)] });
    expect(report.ok).toBe(false);
    expect(report.checks.filter((c) => !c.ok).map((c) => c.file)).toEqual(['acme-root-crl-2.pem', 'extra.txt', 'acme-root-crl-2.pem']);
    const viaCli = await runCli(['ceremony', 'verify-publication', tampered, '--trust', rootPem]);
    expect(viaCli.code).toBe(1);
    expect(viaCli.stderr).toMatch(/PUBLICATION_VERIFY_FAILED: .*acme-root-crl-2\.pem, extra\.txt/);
    expect(viaCli.stdout).toMatch(/FAIL\s+sums\s+acme-root-crl-2\.pem does not match its SHA-256/);

    // A bundle signed by a key that does not chain to the trusted root.
    const rogueKey = await newSoftwareKey(ws, 'rogue-key', 'ecdsa-p256');
    const rogue = await createRootCa(ws, {
      name: 'rogue',
      subject: parseSubject('O=Acme\\, Inc.,CN=Acme Root 2026'),
      key: rogueKey,
      validityDays: 365,
      actor: 'mallory',
    });
    const resigned = join(tmp.path, 'resigned', 'publication');
    await writeBundle(resigned, files, rogueKey, rogue.certificate.der);
    const r2 = verifyPublicationBundle(resigned, { trust: [readFileSync(rootPem)] });
    expect(r2.checks.filter((c) => !c.ok).map((c) => [c.check, c.file])).toEqual([['signature', 'SHA256SUMS.p7s']]);
  });
});

describe('CA calendar', () => {
  it('lists expiry, renewal and CRL re-signing with lead times and states, sorted by date', () => {
    const before = caCalendar(ws, new Date(crlNextUpdate.getTime() - 40 * DAY)).filter((e) => e.ca !== 'rogue');
    const crl = before.find((e) => e.kind === 'crl-resign')!;
    expect(crl).toMatchObject({ ca: 'acme-root', crlNumber: 2, state: 'ok', uid: 'crl-resign-acme-root-2@hallmark' });
    // 90-day CRL: lead = min(30 days, 25% of 90 days) = 22.5 days before nextUpdate.
    expect(crl.due.getTime()).toBe(crlNextUpdate.getTime());
    expect(crl.date.getTime()).toBe(crlNextUpdate.getTime() - 22.5 * DAY);
    expect(before.map((e) => e.kind)).toEqual(['crl-resign', 'certificate-renew', 'certificate-expires', 'certificate-renew', 'certificate-expires']);
    expect(before.map((e) => e.ca)).toEqual(['acme-root', 'acme-online', 'acme-online', 'acme-root', 'acme-root']);
    const sorted = [...before].sort((a, b) => a.date.getTime() - b.date.getTime());
    expect(before).toEqual(sorted);

    const soon = caCalendar(ws, new Date(crlNextUpdate.getTime() - 10 * DAY)).find((e) => e.kind === 'crl-resign')!;
    expect(soon.state).toBe('due-soon');
    const late = caCalendar(ws, new Date(crlNextUpdate.getTime() + 1000)).find((e) => e.kind === 'crl-resign')!;
    expect(late.state).toBe('overdue');
    // The online CA (5 years) renews 20% (365 days) before its expiry.
    const renew = before.find((e) => e.kind === 'certificate-renew' && e.ca === 'acme-online')!;
    const expires = before.find((e) => e.kind === 'certificate-expires' && e.ca === 'acme-online')!;
    expect(expires.date.getTime() - renew.date.getTime()).toBe(365 * DAY);
  });

  it('`ceremony calendar` prints a table and writes an .ics exclusively', async () => {
    const table = await cli('ceremony', 'calendar');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^\d{4}-\d{2}-\d{2}\s+ok\s+acme-root\s+Re-sign CRL #2 of acme-root before /m);
    const ics = join(tmp.path, 'acme.ics');
    const written = await cli('--json', 'ceremony', 'calendar', '--ics', ics);
    expect(written.code).toBe(0);
    const { events } = JSON.parse(written.stdout) as { events: { uid: string }[] };
    const cal = readICalendar(readFileSync(ics));
    expect(cal.components.map((c) => prop(c, 'UID'))).toEqual(events.map((e) => e.uid));
    expect(cal.components.map((c) => unescapeText(prop(c, 'SUMMARY')))).toContain(
      `Re-sign CRL #2 of acme-root before ${crlNextUpdate.toISOString().slice(0, 10)}`,
    );
    const before = readFileSync(ics);
    const again = await cli('ceremony', 'calendar', '--ics', ics);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/CALENDAR_OUTPUT_EXISTS/);
    expect(readFileSync(ics).equals(before)).toBe(true);
  });
});
