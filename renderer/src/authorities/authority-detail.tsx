import { useState, type ReactNode } from 'react';
import type { AuthorityView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { HashDisplay } from '../ceremony/hash-display.js';
import { CertificateDetails } from '../components/certificate-details.js';
import { crlStateText, KIND_LABELS } from './authority-tree.js';
import { CrlSignForm } from './crl-sign-form.js';
import { ValidityBar } from './validity-bar.js';

type ExportChoice = { what: 'certificate' | 'chain'; format: 'pem' | 'der'; label: string };
const EXPORTS: readonly ExportChoice[] = [
  { what: 'certificate', format: 'pem', label: 'Certificate (PEM)' },
  { what: 'certificate', format: 'der', label: 'Certificate (DER)' },
  { what: 'chain', format: 'pem', label: 'Chain to the root (PEM)' },
];

/** One authority: where its key lives, its validity, constraints, CRL and fingerprint, and what can be done with it. */
export function AuthorityDetail({ authority: a, onChanged, onError }: { authority: AuthorityView; onChanged: () => void; onError: (f: ApiFailure) => void }) {
  const [notice, setNotice] = useState<string | null>(null);
  const d = a.certificate.description;

  const exportAs = async (choice: ExportChoice) => {
    setNotice(null);
    try {
      const r = await invoke('authorities.export', { id: a.id, what: choice.what, format: choice.format });
      if (r) setNotice(`Wrote ${r.path} (${r.bytes} bytes)`);
    } catch (e) {
      onError(toFailure(e));
    }
  };

  return (
    <article className="authority-detail detail-panel" data-testid="authority-detail" data-id={a.id}>
      <header className="authority-detail__head">
        <h2 className="authority-detail__title">{a.name}</h2>
        <span className="status-chip">{KIND_LABELS[a.kind]}</span>
        {a.status === 'revoked' ? <span className="status-chip authority-detail__revoked">revoked</span> : null}
      </header>
      <dl className="kv">
        <Row label="Subject">{d.subject}</Row>
        <Row label="Serial">{d.serial}</Row>
        <Row label="Key algorithm" testId="authority-key-algorithm">
          {d.publicKey.words}
        </Row>
        <Row label="Key lives" testId="authority-key">
          {a.key ? a.key.words : 'not in this workspace (signed for a request)'}
        </Row>
        {a.key?.shares ? (
          <Row label="Custodians" testId="authority-custodians">
            {a.key.shares.custodians.join(', ')}
          </Row>
        ) : null}
        {a.constraints.map((c) => (
          <Row key={c} label="Constraint">
            {c}
          </Row>
        ))}
        {a.issued !== null ? (
          <Row label="Issued" testId="authority-issued">
            {`${a.issued} certificate${a.issued === 1 ? '' : 's'}`}
          </Row>
        ) : null}
        {a.crlSigning !== null ? (
          <Row label="Latest CRL" testId="authority-crl" state={a.crl?.state ?? 'none'}>
            {a.crl ? `#${a.crl.crlNumber}, thisUpdate ${a.crl.thisUpdate}, nextUpdate ${a.crl.nextUpdate} — ${crlStateText(a.crl)}` : 'none signed yet'}
          </Row>
        ) : null}
      </dl>

      <h3 className="detail-panel__subtitle">Validity</h3>
      <ValidityBar authority={a} />

      <h3 className="detail-panel__subtitle">Fingerprint (SHA-256)</h3>
      <HashDisplay sha256={a.certificate.sha256} words={a.certificate.sha256Words} qrSvg={a.fingerprintQrSvg} testId="authority-fingerprint" />

      <h3 className="detail-panel__subtitle">Actions</h3>
      <div className="authority-detail__actions">
        {EXPORTS.map((x) => (
          <button
            key={`${x.what}-${x.format}`}
            type="button"
            className="button"
            data-testid={`authority-export-${x.what}-${x.format}`}
            onClick={() => void exportAs(x)}
          >
            Export {x.label}…
          </button>
        ))}
      </div>
      {notice ? (
        <p className="hint" data-testid="authority-notice">
          {notice}
        </p>
      ) : null}
      <CrlSignForm
        authority={a}
        onError={onError}
        onSigned={(n) => {
          setNotice(`Signed CRL #${n}`);
          onChanged();
        }}
      />

      <h3 className="detail-panel__subtitle">Certificate</h3>
      <CertificateDetails certificate={a.certificate} />
    </article>
  );
}

function Row({ label, children, testId, state }: { label: string; children: ReactNode; testId?: string; state?: string }) {
  return (
    <div className="kv__row">
      <dt className="kv__key">{label}</dt>
      <dd className="kv__value" data-testid={testId} data-state={state}>
        {children}
      </dd>
    </div>
  );
}
