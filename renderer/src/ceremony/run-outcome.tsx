import type { CeremonyRunView } from '../../../preload/api.js';
import { CertificateDetails } from '../components/certificate-details.js';
import { HashDisplay } from './hash-display.js';

/** The end of a run: what was made and where, or why it stopped. */
export function RunOutcome({ run }: { run: CeremonyRunView }) {
  if (run.phase === 'aborted' && run.error) {
    return (
      <div className="ceremony-aborted" data-testid="ceremony-aborted" data-code={run.error.code} role="alert">
        <h2 className="section-title">Ceremony stopped — {run.error.code}</h2>
        <p className="ceremony-aborted__message" data-testid="ceremony-aborted-message">
          {run.error.message}
        </p>
        <p className="hint">
          {run.error.code === 'CEREMONY_ABORTED'
            ? 'Nothing after the step that stopped was done. Fix the cause, load the script again and start over.'
            : 'Nothing after the step that stopped was done. If the ceremony had begun, it stays open: fix the cause, then resume or abort it from Past ceremonies.'}
        </p>
      </div>
    );
  }
  const r = run.result;
  if (run.phase !== 'completed' || !r) return null;
  return (
    <div className="ceremony-result" data-testid="ceremony-result">
      <h2 className="section-title">Ceremony completed</h2>
      {r.certificate && r.certificateWords ? (
        <>
          <h3 className="ceremony-result__sub">Certificate SHA-256 — read the words aloud</h3>
          <HashDisplay sha256={r.certificate.sha256} words={r.certificateWords} testId="ceremony-cert-hash" />
          <CertificateDetails certificate={r.certificate} />
        </>
      ) : null}
      <h3 className="ceremony-result__sub">Outputs in {r.outDir}</h3>
      <table className="ceremony-outputs" data-testid="ceremony-outputs">
        <thead>
          <tr>
            <th>File</th>
            <th>Bytes</th>
            <th>SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {r.outputs.map((o) => (
            <tr key={o.file} data-testid="ceremony-output" data-file={o.file}>
              <td className="mono">{o.file}</td>
              <td>{o.bytes}</td>
              <td className="mono">{o.sha256}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="kv">
        <div className="kv__row">
          <dt className="kv__key">Transcript</dt>
          <dd className="kv__value mono" data-testid="ceremony-transcript">
            {r.transcriptPath}
          </dd>
        </div>
        <div className="kv__row">
          <dt className="kv__key">Transcript SHA-256</dt>
          <dd className="kv__value mono">{r.transcriptSha256}</dd>
        </div>
        <div className="kv__row">
          <dt className="kv__key">Printable transcript</dt>
          <dd className="kv__value mono" data-testid="ceremony-transcript-html">
            {r.transcriptHtmlPath}
          </dd>
        </div>
        <div className="kv__row">
          <dt className="kv__key">Signature (CMS)</dt>
          <dd className="kv__value mono" data-testid="ceremony-signature">
            {r.signaturePath ?? 'none: this ceremony has no CA key to sign with'}
          </dd>
        </div>
        <div className="kv__row">
          <dt className="kv__key">Checksums</dt>
          <dd className="kv__value mono" data-testid="ceremony-sums">
            {r.sumsPath}
          </dd>
        </div>
      </dl>
    </div>
  );
}
