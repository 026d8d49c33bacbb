import { join } from 'node:path';
import { readMediaFile } from '../files/read-media-file.js';
import type { CeremonyResultView } from '../../preload/api.js';
import { hashWords } from '../ceremony/hash-words.js';
import type { CeremonyResult } from '../ceremony/run-ceremony.js';
import { parseCertificate } from '../x509/certificate-facts.js';
import { certificateView } from './certificate-view.js';

/** The ceremony's outputs for the final summary, with the certificate it made decoded from the medium. */
export function resultView(outDir: string, r: CeremonyResult): CeremonyResultView {
  const outputs = r.outputs.map((o) => ({ file: o.file, sha256: o.sha256, bytes: o.bytes }));
  const certificate = firstCertificate(
    outDir,
    outputs.map((o) => o.file),
  );
  return {
    outDir,
    transcriptPath: join(outDir, r.transcript.file),
    transcriptSha256: r.transcript.sha256,
    transcriptHtmlPath: join(outDir, r.transcriptHtml.file),
    signaturePath: r.signature ? join(outDir, r.signature.file) : null,
    sumsPath: join(outDir, r.sums.file),
    ceremonyId: r.ceremonyId,
    outputs,
    certificate,
    certificateWords: certificate ? hashWords(certificate.sha256) : null,
  };
}

/** The DER outputs are certificates or CRLs; the first that parses as a certificate is the one made. */
function firstCertificate(outDir: string, files: readonly string[]) {
  for (const f of files.filter((n) => n.endsWith('.der'))) {
    try {
      return certificateView(parseCertificate(readMediaFile(join(outDir, f), 1024 * 1024, 'ceremony output')));
    } catch {
      // a CRL: not a certificate
    }
  }
  return null;
}
