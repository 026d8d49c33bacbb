import type { Input, OperationName, Output } from '../../preload/api.js';
import { loadCa } from '../ca/certificate-authority.js';
import { issueCrl } from '../ca/issue-crl.js';
import { pemBlock } from '../ceremony/publication/publication-format.js';
import { HallmarkError } from '../errors/hallmark-error.js';
import { outputFile, refuseRendererPath } from '../files/output-path.js';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { openSigningKey } from '../keys/open-signing-key.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import type { Workspace } from '../store/workspace.js';
import { listAuthorities } from './authorities-view.js';
import { OUTPUT_EXTENSIONS, type SaveFilePicker } from './dialog-handlers.js';
import { caKeyUnlock } from './station-unlock.js';
import { actingCallerOf, type ActingCallerOf } from './acting-caller.js';
import { OperatorSessions } from '../operators/operator-sessions.js';
import type { OperatorRole } from '../operators/operator-roles.js';

/** Who may sign a CRL from the Authorities screen once the workspace has accounts (docs/operators.md). */
export const CRL_SIGNER_ROLES: readonly OperatorRole[] = ['ca-admin', 'custodian'];

type AuthoritiesOp = Extract<OperationName, `authorities.${string}`>;
export type AuthoritiesHandlers = { [Op in AuthoritiesOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

export interface AuthoritiesPorts {
  readonly saves: SaveFilePicker;
  /** where HALLMARK_PKCS11_MODULE is read (default process.env) */
  readonly env?: NodeJS.ProcessEnv;
  /** the clock the CRL states and validity bars are judged by (tests) */
  readonly now?: () => Date;
  /** who the caller's window acts as (core-api.ts); without it nobody is signed in, so a workspace with accounts refuses */
  readonly acting?: ActingCallerOf;
}

export function createAuthoritiesHandlers(ws: Workspace, ports: AuthoritiesPorts): AuthoritiesHandlers {
  const now = ports.now ?? (() => new Date());
  const acting = ports.acting ?? actingCallerOf(ws, new OperatorSessions());
  return {
    'authorities.list': async () => {
      const at = now();
      return { authorities: await listAuthorities(ws, at), now: at.toISOString() };
    },

    'authorities.export': async (req, caller) => {
      if (req.path !== undefined) refuseRendererPath('path', 'an exported certificate');
      if (req.what === 'chain' && req.format === 'der')
        throw new HallmarkError('EXPORT_CHAIN_NOT_DER', 'a chain is exported as PEM: DER holds one certificate');
      const by = acting(caller, { action: 'export a certificate', untypedName: 'app' });
      const { name, ders } = certificatesOf(ws, req.id, req.what);
      const purpose = req.format === 'pem' ? 'authority-pem' : 'authority-der';
      const extension = OUTPUT_EXTENSIONS[purpose];
      const chosen = await ports.saves.pickSaveFile({ purpose, defaultName: `${name}${req.what === 'chain' ? '-chain' : ''}.${extension}`, extension }, caller);
      if (chosen === null) return null;
      const target = outputFile(chosen, { extension, home: ws.home, what: 'an exported certificate' });
      const bytes = req.format === 'der' ? ders[0]! : Buffer.from(ders.map((d) => pemBlock(d, 'CERTIFICATE')).join(''), 'ascii');
      try {
        writeNewFile(target, bytes);
      } catch (e) {
        if (e instanceof NewFileError) {
          throw new HallmarkError(
            e.reason === 'exists' ? 'EXPORT_EXISTS' : 'EXPORT_UNWRITABLE',
            e.reason === 'exists' ? `${target} already exists; an export never replaces a file` : `cannot write ${target} (${e.errno})`,
            'environment',
            { path: target },
          );
        }
        throw e;
      }
      ws.audit.append({
        actor: by.name,
        action: 'certificate.exported',
        subject: req.id,
        details: { what: req.what, format: req.format, path: target, bytes: bytes.length },
      });
      return { path: target, bytes: bytes.length };
    },

    'authorities.signCrl': async (req, caller) => {
      // Before the key is opened: a refusal unlocks nothing.
      const by = acting(caller, { action: 'sign a CRL', untypedName: 'app', anyOf: CRL_SIGNER_ROLES });
      const ca = loadCa(ws, req.ca);
      if (ca.key.store === 'shares') {
        throw new HallmarkError(
          'CRL_NEEDS_CEREMONY',
          `the key of CA "${req.ca}" is split into custodian shares: sign its CRL at a CRL ceremony (Ceremonies, kind crl)`,
        );
      }
      const unlock = caKeyUnlock(ca.key, req.unlock, ws, ports.env ?? process.env);
      const key = await openSigningKey(ca.key, unlock);
      let crlNumber: number;
      try {
        ({ crlNumber } = await issueCrl(ws, { ca: req.ca, caKey: key, nextUpdateDays: req.nextUpdateDays, actor: by.name, thisUpdate: now() }));
      } finally {
        key.close();
      }
      const at = now();
      const authority = (await listAuthorities(ws, at)).find((a) => a.id === `ca:${req.ca}`)!;
      return { crlNumber, authority };
    },
  };
}

/** The DER of an authority's certificate, or of its chain up to the root (the certificate first). */
function certificatesOf(ws: Workspace, id: string, what: 'certificate' | 'chain'): { name: string; ders: Buffer[] } {
  if (id.startsWith('ca:')) {
    const name = id.slice(3);
    const ca = loadCa(ws, name);
    return { name, ders: (what === 'chain' ? ca.chain : ca.chain.slice(0, 1)).map((c) => c.der) };
  }
  let row;
  try {
    row = new CertificateRepository(ws).byId(Number(id.slice(5)));
  } catch {
    throw new HallmarkError('AUTHORITY_NOT_FOUND', `no authority ${id} in this workspace`);
  }
  if (!['manifest-signer', 'crl-signer', 'intermediate'].includes(row.profile) || row.issuerCa === null)
    throw new HallmarkError('AUTHORITY_NOT_FOUND', `no authority ${id} in this workspace`);
  const name = `${row.profile}-${row.serial.slice(0, 16)}`;
  return { name, ders: [row.der, ...(what === 'chain' ? loadCa(ws, row.issuerCa).chain.map((c) => c.der) : [])] };
}
