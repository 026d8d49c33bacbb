import type { QaDeviceDetailView } from '../../../preload/api.js';
import { CertificateDetails, KeyValueList } from '../components/certificate-details.js';
import { useEscapeToClose } from '../components/use-escape-to-close.js';

/** One manifest entry as the station recorded it, and its certificate decoded. */
export function QaDeviceDetail({ detail: d, onClose }: { detail: QaDeviceDetailView; onClose: () => void }) {
  useEscapeToClose(onClose);
  const rows: [string, string][] = [
    ['Hardware serial', d.hardwareSerial],
    ['Model', d.model],
    ['Entry status', d.status],
    ['Device state', d.deviceState],
    ['Attempts', String(d.attempts)],
    ['First seen', d.firstSeenAt],
    ['Last change', d.lastChangeAt],
    ['Issued', d.issuedAt ?? '—'],
    ['Public key SHA-256', d.publicKeySha256 ?? '—'],
  ];
  if (d.revocation) rows.push(['Revocation', `${d.revocation.reason} at ${d.revocation.revokedAt}`]);
  if (d.rework)
    rows.push([
      'Rework',
      `${d.rework.reason} (${d.rework.revocationReason}) by ${d.rework.operator} at ${d.rework.approvedAt}${d.rework.note ? ` — ${d.rework.note}` : ''}`,
    ]);
  if (d.matter) {
    rows.push(['Matter VID / PID', `${d.matter.vendorId} / ${d.matter.productId}`], ['PAI SHA-256', d.matter.paiSha256]);
    rows.push(
      ['SPAKE2+ verifier SHA-256', d.matter.verifierSha256 ?? 'no factory data written'],
      ['Discriminator', d.matter.discriminator === null ? '—' : String(d.matter.discriminator)],
    );
  }
  if (d.lastError) rows.push(['Last error', `${d.lastError.code}${d.lastError.message ? `: ${d.lastError.message}` : ''}`]);
  return (
    <aside className="detail-panel" data-testid="qa-device-detail" aria-label={`Entry ${d.index + 1}: ${d.hardwareSerial}`}>
      <header className="detail-panel__head">
        <h2 className="detail-panel__title">
          Entry {d.index + 1}: <span className="mono">{d.hardwareSerial}</span>
        </h2>
        <button type="button" className="button button--ghost" onClick={onClose} title="Close (Esc)">
          Close
        </button>
      </header>
      <KeyValueList rows={rows} />
      <h3 className="detail-panel__subtitle">Certificate</h3>
      {d.certificate ? (
        <CertificateDetails certificate={d.certificate} />
      ) : (
        <p className="hint">{d.certificateProblem ?? 'This entry has no certificate (the device never got one).'}</p>
      )}
    </aside>
  );
}
