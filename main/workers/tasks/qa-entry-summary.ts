import type { QaDeviceSummaryView } from '../../../preload/api.js';
import type { DeviceEntry } from '../../manifest/format/manifest-document.js';

/** One manifest entry as the QA list shows it (built where the entries are: the verifying worker, the drill-down). */
export function qaEntrySummary(e: DeviceEntry, index: number): QaDeviceSummaryView {
  return {
    index,
    hardwareSerial: e.hardwareSerial,
    model: e.model,
    status: e.status,
    deviceState: e.deviceState,
    certificateSerial: e.certificate?.serial ?? null,
    certificateSha256: e.certificate?.sha256 ?? null,
  };
}
