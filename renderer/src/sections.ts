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
    route: 'authorities',
    label: 'Authorities',
    summary: 'Every CA of the workspace as a tree: where each key lives, validity, constraints, CRLs and fingerprints; export certificates, sign CRLs.',
    planned: null,
  },
  {
    route: 'ceremonies',
    label: 'Ceremonies',
    summary: 'Air-gapped CA ceremonies from a reviewed script: approve its hash, pre-flight, each step signed off by its roles, signed transcript.',
    planned: null,
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
