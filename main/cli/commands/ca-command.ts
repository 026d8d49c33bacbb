import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { HallmarkError, UsageError } from '../../errors/hallmark-error.js';
import { loadCa } from '../../ca/certificate-authority.js';
import { createIntermediateCa, createRootCa } from '../../ca/create-ca.js';
import { openSigningKey } from '../../keys/open-signing-key.js';
import { CaRepository } from '../../store/ca-repository.js';
import { KeyRepository } from '../../store/key-repository.js';
import { parseSubject } from '../../x509/distinguished-name.js';
import { EXTENDED_KEY_USAGE_NAMES, extendedKeyUsageOid } from '../../x509/extended-key-usage-names.js';
import type { LintSkip } from '../../x509/lint/lint-certificate.js';
import type { CliContext } from '../cli-context.js';
import { addKeyAccessOptions, keyUnlockFor, type KeyAccessOptions } from '../key-unlock-options.js';
import { nonNegativeInteger, positiveInteger, collect } from '../option-parsers.js';
import { pem } from './key-command.js';
import { printIssued } from './print-issued.js';

interface CreateOptions extends KeyAccessOptions {
  name: string;
  profile: 'root' | 'intermediate' | 'matter-paa' | 'matter-pai';
  key: string;
  subject: string;
  parent?: string;
  days?: number;
  pathLen?: number;
  permitDns?: string[];
  excludeDns?: string[];
  eku?: string[];
  skipLint?: string[];
  maxValidityDays?: number;
}

export function registerCa(program: Command, ctx: () => CliContext): void {
  const ca = program.command('ca').description('certificate authorities held in this workspace (labs and tests; ceremonies wrap the same functions)');

  addKeyAccessOptions(
    ca
      .command('create')
      .description(
        "create a root CA (self-signed) or an intermediate CA signed by --parent; credentials unlock the signing key (the root's own, or the parent's)",
      )
      .requiredOption('--name <name>', 'the CA name in this workspace')
      .addOption(
        new Option(
          '--profile <profile>',
          'root or intermediate; matter-paa / matter-pai for Matter attestation (subject e.g. "CN=Acme PAA,matterVendorId=FFF1")',
        )
          .choices(['root', 'intermediate', 'matter-paa', 'matter-pai'])
          .makeOptionMandatory(),
      )
      .requiredOption('--key <label>', "the new CA's key (generate it first with `hallmark key generate`)")
      .requiredOption('--subject <dn>', 'the subject, e.g. "C=DE,O=Acme,CN=Acme Root CA"')
      .option('--parent <name>', 'intermediate: the CA that signs it')
      .option(
        '--days <n>',
        `validity in days (default: a root ${DEFAULT_ROOT_DAYS}; an intermediate ${DEFAULT_INTERMEDIATE_DAYS}, or less so that it ends inside its parent's)`,
        positiveInteger,
      )
      .option('--path-len <n>', 'basicConstraints pathLenConstraint (intermediate default 0)', nonNegativeInteger)
      .option('--permit-dns <name>', 'intermediate: permitted dNSName subtree (repeat)', collect)
      .option('--exclude-dns <name>', 'intermediate: excluded dNSName subtree (repeat)', collect)
      .option('--eku <purpose>', `intermediate: EKU constraint, a name (${EXTENDED_KEY_USAGE_NAMES.join(', ')}) or a dotted OID (repeat)`, collect)
      .option('--max-validity-days <n>', 'raise the 25-year (root) / 8-year (intermediate) validity guard', positiveInteger)
      .option('--skip-lint <rule=reason>', 'skip one lint rule, with a written reason recorded in the audit log (repeat)', collect),
  ).action(async (opts: CreateOptions) => {
    const c = ctx();
    await c.withWorkspace(async (ws) => {
      const subject = parseSubject(opts.subject);
      const record = new KeyRepository(ws).get(opts.key);
      const skipLints = parseSkips(opts.skipLint);
      const common = {
        name: opts.name,
        subject,
        validityDays: opts.days ?? DEFAULT_ROOT_DAYS,
        actor: c.actor,
        ...(skipLints.length ? { skipLints } : {}),
        ...(opts.maxValidityDays !== undefined ? { maxValidityDays: opts.maxValidityDays } : {}),
      };
      let signed;
      if (opts.profile === 'root' || opts.profile === 'matter-paa') {
        if (opts.parent) throw new UsageError('a root CA has no --parent');
        new CaRepository(ws).assertFree(opts.name);
        const key = await openSigningKey(record, await keyUnlockFor(record, opts, ws, c.io.env));
        try {
          signed = await createRootCa(ws, { ...common, key, profile: opts.profile, ...(opts.pathLen !== undefined ? { pathLen: opts.pathLen } : {}) });
        } finally {
          key.close();
        }
      } else {
        if (!opts.parent) throw new UsageError('an intermediate CA needs --parent');
        new CaRepository(ws).assertFree(opts.name);
        const parent = loadCa(ws, opts.parent);
        const validityDays = opts.days ?? defaultIntermediateDays(parent.certificate.notAfter, new Date());
        const parentKey = await openSigningKey(parent.key, await keyUnlockFor(parent.key, opts, ws, c.io.env));
        try {
          const permitted = opts.permitDns?.length ? { dns: opts.permitDns } : undefined;
          const excluded = opts.excludeDns?.length ? { dns: opts.excludeDns } : undefined;
          signed = await createIntermediateCa(ws, {
            ...common,
            validityDays,
            key: record,
            parent: opts.parent,
            parentKey,
            profile: opts.profile,
            options: {
              ...(opts.pathLen !== undefined ? { pathLen: opts.pathLen } : {}),
              ...(permitted || excluded ? { nameConstraints: { ...(permitted ? { permitted } : {}), ...(excluded ? { excluded } : {}) } } : {}),
              ...(opts.eku?.length ? { extendedKeyUsage: opts.eku.map(ekuOid) } : {}),
            },
          });
        } finally {
          parentKey.close();
        }
      }
      printIssued(c, signed, `CA "${opts.name}"`);
    });
  });

  ca.command('list')
    .description('list the CAs in this workspace')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const rows = new CaRepository(ws).list().map((r) => {
          const l = loadCa(ws, r.name);
          return {
            name: r.name,
            profile: r.profile,
            parent: r.parent,
            key: r.keyLabel,
            keyStore: l.key.store,
            subject: l.certificate.subject.map((s) => s.value).join(', '),
            notAfter: l.certificate.notAfter.toISOString(),
            sha256: l.certificate.sha256,
            crlNumber: r.crlNumber,
          };
        });
        if (c.json) return c.printJson(rows);
        for (const r of rows)
          c.io.out(`${r.name}  ${r.profile}${r.parent ? ` (under ${r.parent})` : ''}  key ${r.key} [${r.keyStore}]  until ${r.notAfter}  ${r.sha256}\n`);
      });
    });

  ca.command('export')
    .description("print a CA's certificate chain as PEM, the CA first and the root last")
    .argument('<name>', 'the CA')
    .option('--out <file>', 'write to this file instead (never overwrites)')
    .action(async (name: string, opts: { out?: string }) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const text = loadCa(ws, name)
          .chain.map((cert) => pem(cert.der, 'CERTIFICATE'))
          .join('');
        if (opts.out) {
          try {
            writeFileSync(opts.out, text, { flag: 'wx', mode: 0o644 });
          } catch (e) {
            throw new UsageError(
              `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists (never overwritten)' : (e as Error).message}`,
            );
          }
          c.io.out(`wrote ${opts.out}\n`);
        } else c.io.out(text);
      });
    });
}

export const DEFAULT_ROOT_DAYS = 3650;
export const DEFAULT_INTERMEDIATE_DAYS = 1825;
const DAY = 86_400_000;

/**
 * An intermediate's default validity: DEFAULT_INTERMEDIATE_DAYS, cut to whole days that
 * end inside its parent's validity (validity.within-issuer), so `ca create` with the
 * defaults right after the root's makes a hierarchy that lints clean.
 */
export function defaultIntermediateDays(parentNotAfter: Date, now: Date): number {
  const left = Math.floor((parentNotAfter.getTime() - now.getTime()) / DAY);
  if (left < 1)
    throw new HallmarkError(
      'CA_PARENT_EXPIRING',
      `the parent CA's certificate ends ${parentNotAfter.toISOString()}, less than a day from now: renew it before signing an intermediate under it`,
      'check',
    );
  return Math.min(DEFAULT_INTERMEDIATE_DAYS, left);
}

function ekuOid(name: string): string {
  const oid = extendedKeyUsageOid(name);
  if (oid === undefined) throw new UsageError(`unknown extended key usage "${name}"`);
  return oid;
}

export function parseSkips(values: readonly string[] | undefined): LintSkip[] {
  return (values ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--skip-lint takes RULE=REASON, got "${v}"`);
    return { rule: v.slice(0, eq), reason: v.slice(eq + 1) };
  });
}
