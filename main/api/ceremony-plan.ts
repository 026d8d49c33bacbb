import { resolve } from 'node:path';
import QRCode from 'qrcode';
import type { CeremonyPlanView, CeremonyRole, CeremonyStepPlanView } from '../../preload/api.js';
import { membersOf } from '../ceremony/acknowledgments.js';
import { bindingModules, bindingParts, bindingSummary, loadBinding, unattendedSources, type LoadedBinding } from '../ceremony/ceremony-binding.js';
import { CeremonyError } from '../ceremony/ceremony-errors.js';
import type { CeremonyScript } from '../ceremony/ceremony-script-schema.js';
import { hashWords } from '../ceremony/hash-words.js';
import { MAX_SCRIPT_BYTES, parseCeremonyScript, type LoadedScript } from '../ceremony/parse-ceremony-script.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { readInputFile } from '../files/read-input-file.js';
import { checkPkcs11Module, type Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';

/**
 * Reads a script from the path the user chose, bounded in size: each call reads the file
 * again, so approving, checking and running always see the bytes on disk now, never a copy
 * from an earlier screen.
 */
export function readScript(path: string): LoadedScript {
  const bytes = readInputFile(path, MAX_SCRIPT_BYTES, (m) => new CeremonyError('CEREMONY_SCRIPT_INVALID', m));
  return parseCeremonyScript(bytes, path);
}

/**
 * Reads a binding once, bounded and refusing links (loadBinding): the bytes read are the
 * ones hashed, shown, approved and — for a run — kept; each call reads the file again.
 */
export function readBinding(path: string): LoadedBinding {
  return loadBinding(resolve(path));
}

/** Error correction M: the code is read from a screen by a phone across a table. */
function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export async function planView(scriptPath: string, bindingPath: string, modules: Pkcs11ModuleAllowList): Promise<CeremonyPlanView> {
  const loaded = readScript(scriptPath);
  const binding = readBinding(bindingPath);
  const s = loaded.script;
  return {
    scriptPath: resolve(scriptPath),
    bindingPath: resolve(bindingPath),
    name: s.name,
    kind: s.kind,
    sha256: loaded.sha256,
    words: hashWords(loaded.sha256),
    qrSvg: await qrSvg(loaded.sha256),
    participants: { administrator: s.participants.administrator, custodians: [...s.participants.custodians], witnesses: [...s.participants.witnesses] },
    requireNoNetwork: s.preflight.requireNoNetwork,
    summary: summaryOf(s),
    steps: s.steps.map((st) => stepPlan(s, st)),
    binding: tokenSummary(binding),
    pinRequired: pinTyped(binding),
    bindingSha256: binding.sha256,
    bindingWords: hashWords(binding.sha256),
    bindingQrSvg: await qrSvg(binding.sha256),
    bindingParts: bindingParts(binding).map((p) => ({ ...p })),
    unattendedSources: {
      allowed: binding.binding.allowUnattendedSources === true,
      sources: unattendedSources(binding).map((u) => ({
        at: u.at,
        line: u.line,
        kind: u.kind as 'file' | 'env',
        custodian: u.custodian,
        describe: u.describe,
      })),
    },
    // Checked against the allow-list and the file rules; never loaded here.
    modules: bindingModules(binding).map((m) => {
      try {
        checkPkcs11Module(m.path, modules);
        return { ...m, allowed: true, problem: null };
      } catch (e) {
        if (!isHallmarkError(e)) throw e;
        return { ...m, allowed: false, problem: `${e.code}: ${e.message}` };
      }
    }),
  };
}

export function stepPlan(s: CeremonyScript, st: CeremonyScript['steps'][number]): CeremonyStepPlanView {
  return {
    id: st.id,
    say: st.say,
    acknowledge: [...st.acknowledge],
    action: st.action ?? null,
    members: st.acknowledge.flatMap((role: CeremonyRole) => membersOf(s, role).map((name) => ({ role, name }))),
  };
}

function summaryOf(s: CeremonyScript): { label: string; value: string }[] {
  if (s.kind === 'root') {
    return [
      { label: 'Key', value: `${s.key.label} (${s.key.algorithm}, ${s.key.store})` },
      { label: 'Subject', value: s.certificate.subject },
      { label: 'CA name', value: s.certificate.ca },
      { label: 'Validity', value: `${s.certificate.validityDays} days` },
      ...(s.certificate.pathLen !== undefined ? [{ label: 'Path length', value: String(s.certificate.pathLen) }] : []),
    ];
  }
  if (s.kind === 'crl') {
    return [
      { label: 'CA', value: s.crl.ca },
      { label: 'Next update', value: `${s.crl.nextUpdateDays} days` },
      { label: 'Revocations', value: s.crl.revocations.map((r) => `${r.serial} (${r.reason})`).join(', ') || 'none' },
    ];
  }
  if (s.kind === 'intermediate') {
    const im = s.intermediate;
    return [
      { label: 'Signed by', value: im.parent },
      { label: 'CA name', value: im.ca },
      { label: 'Subject', value: im.subject },
      { label: 'Validity', value: `${im.validityDays} days` },
      { label: 'Key', value: im.key.source === 'csr' ? 'from a CSR (the binding names the file)' : `${im.key.label} (${im.key.algorithm}) on its own token` },
      ...(im.extendedKeyUsage ? [{ label: 'Extended key usage', value: im.extendedKeyUsage.join(', ') }] : []),
    ];
  }
  if (s.kind === 'key-backup') {
    return [
      { label: 'Key', value: s.backup.key },
      { label: 'New split', value: `${s.backup.threshold} of ${s.backup.custodians.length}: ${s.backup.custodians.join(', ')}` },
    ];
  }
  // A kind added to the schema later still shows its name rather than failing the load.
  return [{ label: 'Kind', value: (s as { kind: string }).kind }];
}

function tokenSummary(binding: LoadedBinding): CeremonyPlanView['binding'] {
  const b = bindingSummary(binding);
  return b.module !== undefined && b.tokenSerial !== undefined && b.pinSource !== undefined
    ? { module: b.module, tokenSerial: b.tokenSerial, pinSource: b.pinSource }
    : null;
}

/** The administrator types the token PIN on the screen: a typed source, or an environment source the app does not hand over. */
function pinTyped(binding: LoadedBinding): boolean {
  const pin = binding.binding.pkcs11?.pin;
  return pin !== undefined && !('file' in pin);
}
