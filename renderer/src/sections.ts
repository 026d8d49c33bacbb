import type { Route } from './routing/routes.js';

export interface Section {
  readonly route: Route;
  readonly label: string;
  /** what the section is for, shown in the nav tooltip and on the planned page */
  readonly summary: string;
  /** null once the section is built */
  readonly planned: string | null;
}

export const SECTIONS: readonly Section[] = [
  {
    route: 'ceremonies',
    label: 'Ceremonies',
    summary:
      'Air-gapped root and intermediate CA ceremonies: scripted steps, witnessed sign-offs, signed transcripts and CRLs.',
    planned: 'Not built yet — arrives with the ceremonies capability.',
  },
  {
    route: 'station',
    label: 'Station',
    summary:
      'The factory station: devices over serial, their CSRs checked against the product policy and the work order, IDevID certificates issued in batches.',
    planned: null,
  },
  {
    route: 'qa',
    label: 'QA',
    summary: 'Quality assurance: verify a signed batch manifest folder against the trusted root, check by check, and save the HTML report.',
    planned: null,
  },
  {
    route: 'inventory',
    label: 'Inventory',
    summary: 'Import verified batch manifests into the device inventory; batches, every certificate, search and detail.',
    planned: null,
  },
  {
    route: 'audit',
    label: 'Audit',
    summary: 'The append-only, hash-chained audit log of every action in this workspace.',
    planned: null,
  },
];
