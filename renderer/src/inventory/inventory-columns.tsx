import type { InventoryRowView } from '../../../preload/api.js';
import type { Column } from '../components/virtual-table.js';

const SHORT = 16;

export const INVENTORY_COLUMNS: readonly Column<InventoryRowView>[] = [
  { key: 'serial', header: 'Hardware serial', width: 'minmax(140px, 1fr)', className: 'mono', render: (r) => r.hardwareSerial, title: (r) => r.hardwareSerial },
  { key: 'model', header: 'Model', width: 'minmax(80px, 0.6fr)', render: (r) => r.model, title: (r) => r.model },
  { key: 'status', header: 'Status', width: '100px', render: (r) => <span className={`status-chip status-chip--${r.status}`}>{r.status}</span> },
  { key: 'batch', header: 'Work order', width: 'minmax(90px, 0.7fr)', render: (r) => r.batchId, title: (r) => r.batchId },
  { key: 'issued', header: 'Issued (UTC)', width: '196px', className: 'mono', render: (r) => r.issuedAt },
  {
    key: 'sha',
    header: 'Certificate SHA-256',
    width: '150px',
    className: 'mono hash',
    render: (r) => `${r.certificateSha256.slice(0, SHORT)}…`,
    title: (r) => r.certificateSha256,
  },
];
