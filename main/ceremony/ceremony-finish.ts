import { createHash } from 'node:crypto';
import { loadCa, type LoadedCa } from '../ca/certificate-authority.js';
import type { SigningKey } from '../keys/signing-key.js';
import { buildPublicationBundle, type PublicationBundleArgs } from './publication/build-publication-bundle.js';
import { PUBLICATION_DIR, PUBLICATION_SUMS, PUBLICATION_SUMS_P7S } from './publication/publication-format.js';
import { signDetachedCms } from '../cms/sign-detached-cms.js';
import type { JsonValue } from '../encoding/canonical-json.js';
import { CaRepository } from '../store/ca-repository.js';
import { CeremonyRepository } from '../store/ceremony-repository.js';
import { openCeremonyKey, type ActionContext } from './ceremony-actions.js';
import type { CeremonyResult } from './ceremony-request.js';
import type { CeremonyScript } from './ceremony-script-schema.js';
import type { Workspace } from '../store/workspace.js';
import { readTranscriptChain } from './transcript/transcript-chain.js';
import { SUMS_FILE, TRANSCRIPT_FILE, TRANSCRIPT_HTML_FILE, TRANSCRIPT_SIGNATURE_FILE } from './transcript/transcript-format.js';
import { renderTranscriptHtml } from './transcript/transcript-html.js';
import { formatSha256Sums } from './transcript/sha256-sums.js';

/**
 * The CA whose key signs the transcript: the one the ceremony made or signed with. A
 * key-backup (or restore) signs with the CA its key belongs to, when it belongs to one.
 */
export function transcriptCa(ws: Workspace, script: CeremonyScript): string | null {
  switch (script.kind) {
    case 'root':
      return script.certificate.ca;
    case 'intermediate':
      return script.intermediate.parent;
    case 'crl':
      return script.crl.ca;
    case 'key-backup':
      return new CaRepository(ws).list().find((c) => c.keyLabel === script.backup.key)?.name ?? null;
    case 'key-restore':
      // After the restore, the CA that used the shares key signs with the token copy.
      return new CaRepository(ws).list().find((c) => c.keyLabel === script.restore.label)?.name ?? null;
  }
}

/** A detached CMS by the ceremony's CA, carrying its certificate and chain up to the root. */
function signAsCa(content: Buffer, signer: SigningKey, ca: LoadedCa): Promise<Buffer> {
  return signDetachedCms({ content, signer, signerCertificate: ca.certificate.der, chain: ca.chain.slice(1).map((c) => c.der), signingTime: new Date() });
}

/**
 * The publication bundle for the online side (docs/ceremonies.md): the CA certificates
 * the ceremony made or used with their chain, the current CRLs, publication.json, and
 * SHA256SUMS signed (detached CMS) by the ceremony's CA key. Its files are outputs like
 * any other, so the transcript and the medium's SHA256SUMS cover them too.
 */
async function writePublication(ctx: ActionContext, signer: SigningKey, ca: LoadedCa): Promise<void> {
  const { req, out } = ctx;
  const ws = req.ws;
  const script = req.script.script;
  let args: PublicationBundleArgs;
  if (script.kind === 'root') args = { cas: [script.certificate.ca], newCertificates: [script.certificate.ca] };
  else if (script.kind === 'crl') args = { cas: [script.crl.ca], newCertificates: [] };
  else if (script.kind === 'intermediate' && script.intermediate.key.source === 'pkcs11')
    args = { cas: [script.intermediate.ca], newCertificates: [script.intermediate.ca] };
  else if (script.kind === 'intermediate') {
    // An intermediate signed for a CSR is the online CA's: its certificate is a workspace certificate, not a CA here.
    const name = script.intermediate.ca;
    args = { cas: [script.intermediate.parent], newCertificates: [], issued: [{ name, der: out.read(`${name}.der`), issuer: script.intermediate.parent }] };
  } else return;
  const bundle = buildPublicationBundle(ws, args);
  const files = bundle.files.map((f) => ({ ...out.write(`${PUBLICATION_DIR}/${f.name}`, f.bytes), name: f.name }));
  const sums = Buffer.from(formatSha256Sums(files.map((f) => ({ file: f.name, sha256: f.sha256, bytes: f.bytes }))), 'utf8');
  out.write(`${PUBLICATION_DIR}/${PUBLICATION_SUMS}`, sums);
  out.write(`${PUBLICATION_DIR}/${PUBLICATION_SUMS_P7S}`, await signAsCa(sums, signer, ca));
}

/**
 * The end of a ceremony, in an order that lets each file name the ones before it:
 * transcript.html (from the records so far) → the `completed` record listing every
 * output with its hash → transcript.jsonl.p7s over the finished transcript → SHA256SUMS
 * over everything → the register and audit log say completed, with the transcript's hash.
 */
export async function finishCeremony(ctx: ActionContext, ceremonyId: string, extra: { [k: string]: JsonValue }): Promise<CeremonyResult> {
  const { req, out, transcript, state } = ctx;
  const ws = req.ws;
  const script = req.script.script;
  const caName = transcriptCa(ws, script);
  const ca = caName !== null ? loadCa(ws, caName) : null;
  const signer = ca ? await openCeremonyKey(ctx, ca.key) : null;

  if (signer && ca) await writePublication(ctx, signer, ca);
  const records = readTranscriptChain(transcript.contents()).records;
  const html = out.write(TRANSCRIPT_HTML_FILE, renderTranscriptHtml(records, [...out.written]));
  const head = ws.audit.head();
  transcript.append({
    type: 'completed',
    outputs: [...out.written],
    signedBy:
      signer && ca
        ? {
            key: signer.label,
            algorithm: signer.algorithm,
            spkiSha256: createHash('sha256').update(signer.spki).digest('hex'),
            certificateSha256: ca.certificate.sha256,
          }
        : null,
    auditHead: head ? { seq: head.seq, hash: head.hash } : null,
    extra,
  });
  // Read back through the transcript's own descriptor, not by path: the bytes signed are the bytes written.
  const transcriptBytes = transcript.contents();
  transcript.close();
  const transcriptFile = out.note(TRANSCRIPT_FILE, transcriptBytes);
  const signature = signer && ca ? out.write(TRANSCRIPT_SIGNATURE_FILE, await signAsCa(transcriptBytes, signer, ca)) : null;
  const outputs = out.written.filter((o) => o.file !== TRANSCRIPT_FILE && o.file !== TRANSCRIPT_SIGNATURE_FILE && o.file !== TRANSCRIPT_HTML_FILE);
  const sums = out.write(SUMS_FILE, formatSha256Sums([...out.written]));
  const finishedAt = new Date().toISOString();
  ws.transact(() => {
    new CeremonyRepository(ws).complete(ceremonyId, transcriptFile.sha256, finishedAt);
    ws.audit.append({
      actor: req.actor,
      action: 'ceremony.completed',
      subject: script.name,
      details: {
        ceremonyId,
        transcriptSha256: transcriptFile.sha256,
        signatureSha256: signature?.sha256 ?? null,
        sumsSha256: sums.sha256,
        outputs: outputs.map((o) => ({ file: o.file, sha256: o.sha256 })),
      },
    });
  });
  state.signer?.close();
  delete state.signer;
  req.say(`\ntranscript ${TRANSCRIPT_FILE} SHA-256 ${transcriptFile.sha256}\n`);
  return { ceremonyId, outDir: out.path, transcript: transcriptFile, transcriptHtml: html, signature, sums, outputs };
}
