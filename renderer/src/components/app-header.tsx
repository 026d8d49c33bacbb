import type { WorkspaceInfoView } from '../../../preload/api.js';

export function AppHeader({ info }: { info: WorkspaceInfoView | null }) {
  return (
    <header className="app-header">
      <div className="app-header__brand">
        <span className="app-header__mark" aria-hidden="true" />
        <span className="app-header__name">Hallmark</span>
      </div>
      <div className="app-header__workspace" data-testid="workspace-info">
        <span className="app-header__label">Workspace</span>
        <span className="app-header__path mono" title={info ? `database: ${info.databasePath}\nkeys: ${info.keysPath}` : undefined} data-testid="workspace-path">
          {info ? info.home : '…'}
        </span>
      </div>
      <span className="app-header__version mono" data-testid="app-version" title={info ? `schema v${info.schemaVersion}` : undefined}>
        {info ? `v${info.appVersion}` : ''}
      </span>
    </header>
  );
}
