import type { ReactNode } from 'react';
import type { WorkspaceInfoView } from '../../../preload/api.js';

/** `operator`: who is signed in at this window (operators/signed-in-operator.tsx). */
export function AppHeader({ info, operator }: { info: WorkspaceInfoView | null; operator?: ReactNode }) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__mark" aria-hidden="true" />
        <span className="app-header__name">Hallmark</span>
      </div>
      <div className="app-header__workspace" data-testid="workspace-info">
        <span className="app-header__label">Workspace</span>
        <span
          className="app-header__path mono"
          title={info ? `database: ${info.databasePath}\nkeys: ${info.keysPath}` : undefined}
          data-testid="workspace-path"
        >
          {info ? info.home : '…'}
        </span>
      </div>
      {operator}
      <span className="app-header__version mono" data-testid="app-version" title={info ? `schema v${info.schemaVersion}` : undefined}>
        {info ? `v${info.appVersion}` : ''}
      </span>
    </header>
  );
}
