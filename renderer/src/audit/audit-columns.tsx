import type { AuditEntryView } from '../../../preload/api.js';
import type { Column } from '../components/virtual-table.js';

/** Enough to fill the widest details column; the title carries the rest. */
const DETAILS_DISPLAY_LIMIT = 400;
const HASH_PREFIX = 12;

// Stringified once per entry object: rows re-render on every scroll frame.
const detailsText = new WeakMap<AuditEntryView, string>();
function details(entry: AuditEntryView): string {
  let text = detailsText.get(entry);
  if (text === undefined) {
    text = JSON.stringify(entry.details);
    detailsText.set(entry, text);
  }
  return text;
}

export const AUDIT_COLUMNS: readonly Column<AuditEntryView>[] = [
  { key: 'seq', header: 'Seq', width: '72px', className: 'mono num', render: (e) => e.seq },
  { key: 'time', header: 'Time (UTC)', width: '196px', className: 'mono', render: (e) => e.time, title: (e) => e.time },
  { key: 'actor', header: 'Actor', width: 'minmax(96px, 0.8fr)', render: (e) => e.actor, title: (e) => e.actor },
  { key: 'action', header: 'Action', width: 'minmax(150px, 1.1fr)', className: 'action', render: (e) => e.action, title: (e) => e.action },
  { key: 'subject', header: 'Subject', width: 'minmax(120px, 1.2fr)', render: (e) => e.subject, title: (e) => e.subject },
  {
    key: 'details',
    header: 'Details',
    width: 'minmax(160px, 1.8fr)',
    className: 'mono details',
    render: (e) => {
      const text = details(e);
      return text.length > DETAILS_DISPLAY_LIMIT ? `${text.slice(0, DETAILS_DISPLAY_LIMIT)}…` : text;
    },
    title: details,
  },
  {
    key: 'hash',
    header: 'Hash',
    width: '118px',
    className: 'mono hash',
    render: (e) => `${e.hash.slice(0, HASH_PREFIX)}…`,
    title: (e) => e.hash,
  },
];
