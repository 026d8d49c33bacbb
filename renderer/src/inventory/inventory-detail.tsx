import type { InventoryDeviceDetailView } from '../../../preload/api.js';
import { CertificateDetails, KeyValueList } from '../components/certificate-details.js';
import { useEscapeToClose } from '../components/use-escape-to-close.js';

/** One certificate of the inventory: where it came from, its status, and the certificate decoded. */
export function InventoryDetail({ detail: d, onClose }: { detail: InventoryDeviceDetailView; onClose: () => void }) {
  useEscapeToClose(onClose);
  const rows: [string, string][] = [
    ['Hardware serial', d.hardwareSerial],
    ['Model', d.model],
    ['Status', d.status],
    ['Device state', d.deviceState],
    ['Work order', d.batchId],
    ['Station', d.stationId],
    ['Issued', d.issuedAt],
    ['Certificate serial', d.certificateSerial],
    ['Public key SHA-256', d.publicKeySha256],
    ['From manifest', d.manifestSha256],
    ['Imported', d.importedAt],
  ];
  if (d.revokedAt || d.revocationReason) rows.push(['Revocation', `${d.revocationReason ?? '?'} at ${d.revokedAt ?? '?'}`]);
  if (d.statusManifestSha256 !== d.manifestSha256) rows.push(['Status from manifest', d.statusManifestSha256]);
  return (
    <aside className="detail-panel" data-testid="inventory-detail" data-serial={d.hardwareSerial} aria-label={`Device ${d.hardwareSerial}`}>
      <header className="detail-panel__head">
        <h2 className="detail-panel__title">
          <span className="mono">{d.hardwareSerial}</span>
        </h2>
        <button type="button" className="button button--ghost" onClick={onClose} title="Close (Esc)">
          Close
        </button>
      </header>
      <KeyValueList rows={rows} />
      <h3 className="detail-panel__subtitle">Certificate</h3>
      <CertificateDetails certificate={d.certificate} />
    </aside>
  );
}
