import type { ReactNode } from 'react';
import type { CertificateDescriptionView, CertificateView } from '../../../preload/api.js';
import './certificate-details.css';

/**
 * The one certificate presenter (issue #19): algorithms and curves in words, every
 * extension by name with its decoded value and criticality, and the code beside it for
 * experts. QA, the inventory, the ceremony outcome and the Authorities screen all use it.
 */
export function CertificateDetails({ certificate: c }: { certificate: CertificateView }) {
  return <CertificateDescription description={c.description} sha256Words={c.sha256Words} />;
}

export function CertificateDescription({ description: d, sha256Words }: { description: CertificateDescriptionView; sha256Words?: readonly string[] }) {
  return (
    <div className="cert-details" data-testid="certificate-details">
      <dl className="kv">
        <Row label="Subject">{d.subject}</Row>
        <Row label="Issuer">{d.issuer}</Row>
        <Row label="Serial">{d.serial}</Row>
        <Row label="Valid from">{d.notBefore}</Row>
        <Row label="Valid until">
          {d.notAfter}
          {d.validityNote ? (
            <span className="cert-details__note" data-testid="certificate-validity-note">
              {' '}
              — {d.validityNote}
            </span>
          ) : null}
        </Row>
        <Row label="Public key" code={[d.publicKey.oid, d.publicKey.curveOid].filter((x) => x !== null).join(' · ')}>
          <span data-testid="certificate-public-key">{d.publicKey.words}</span>
        </Row>
        <Row label="Signature" code={d.signature.oid}>
          <span data-testid="certificate-signature">{d.signature.words}</span>
        </Row>
        {d.sha256 ? (
          <Row label="SHA-256">
            {d.sha256}
            {sha256Words ? <div className="cert-details__words">{sha256Words.join(' ')}</div> : null}
          </Row>
        ) : null}
      </dl>
      <table className="cert-details__extensions">
        <thead>
          <tr>
            <th>Extension</th>
            <th>Value</th>
            <th>Code</th>
          </tr>
        </thead>
        <tbody>
          {d.extensions.map((e, i) => (
            <tr key={`${e.oid}-${i}`} data-testid="certificate-extension" data-oid={e.oid} data-critical={e.critical ? 'true' : 'false'}>
              <td className="cert-details__ext-name">
                {e.name}
                {e.critical ? <span className="cert-details__critical">critical</span> : null}
              </td>
              <td>
                {e.values.length === 0
                  ? '—'
                  : e.values.map((v, j) => (
                      <div key={j} className="cert-details__value">
                        {v}
                      </div>
                    ))}
              </td>
              <td className="mono cert-details__code">{e.oid}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Row({ label, code, children }: { label: string; code?: string; children: ReactNode }) {
  return (
    <div className="kv__row">
      <dt className="kv__key">{label}</dt>
      <dd className="kv__value">
        <span className="mono">{children}</span>
        {code ? <span className="mono cert-details__code"> {code}</span> : null}
      </dd>
    </div>
  );
}

export function KeyValueList({ rows, testId }: { rows: readonly (readonly [string, string])[]; testId?: string }) {
  return (
    <dl className="kv" data-testid={testId}>
      {rows.map(([k, v]) => (
        <div key={k} className="kv__row">
          <dt className="kv__key">{k}</dt>
          <dd className="kv__value mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
