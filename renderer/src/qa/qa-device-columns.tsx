import type { QaDeviceSummaryView } from '../../../preload/api.js';
import type { Column } from '../components/virtual-table.js';

export const QA_DEVICE_COLUMNS: readonly Column<QaDeviceSummaryView>[] = [
  { key: 'index', header: '#', width: '56px', className: 'mono num', render: (d) => d.index + 1 },
  { key: 'serial', header: 'Hardware serial', width: 'minmax(140px, 1fr)', className: 'mono', render: (d) => d.hardwareSerial, title: (d) => d.hardwareSerial },
  { key: 'status', header: 'Status', width: '100px', render: (d) => <span className={`status-chip status-chip--${d.status}`}>{d.status}</span> },
  { key: 'state', header: 'Device state', width: '110px', render: (d) => d.deviceState },
  {
    key: 'cert',
    header: 'Certificate serial',
    width: 'minmax(160px, 1.4fr)',
    className: 'mono',
    render: (d) => d.certificateSerial ?? '— none —',
    title: (d) => d.certificateSha256 ?? 'no certificate',
  },
];
