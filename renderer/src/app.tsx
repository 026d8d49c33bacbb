import { useCallback } from 'react';
import type { ApiFailure } from './api/hallmark.js';
import { useWorkspaceInfo } from './api/use-workspace-info.js';
import { AppHeader } from './components/app-header.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { ErrorBannerSlot, useErrorScope } from './components/error-reporter.js';
import { SideNav } from './components/side-nav.js';
import { useHashRoute } from './routing/use-hash-route.js';
import { AuditScreen } from './screens/audit-screen.js';
import { AuthoritiesScreen } from './screens/authorities-screen.js';
import { CeremonyScreen } from './screens/ceremony-screen.js';
import { InventoryScreen } from './screens/inventory-screen.js';
import { PlannedSection } from './screens/planned-section.js';
import { QaScreen } from './screens/qa-screen.js';
import { StationScreen } from './screens/station-screen.js';
import { SECTIONS } from './sections.js';
import { OperatorSessionProvider } from './operators/operator-session.js';
import { SignedInOperator } from './operators/signed-in-operator.js';
import { AppSignInGate } from './operators/app-sign-in-gate.js';

export function App() {
  const route = useHashRoute();
  // The window's own errors (section null) show on every screen.
  const workspaceErrors = useErrorScope(null, 'Workspace').report;
  const onInfoError = useCallback((failure: ApiFailure) => workspaceErrors('info', failure), [workspaceErrors]);
  const info = useWorkspaceInfo(onInfoError);
  const signInErrors = useErrorScope(null, 'Sign-in').report;
  const onOperatorError = useCallback((failure: ApiFailure) => signInErrors('session', failure), [signInErrors]);
  const section = SECTIONS.find((s) => s.route === route);

  return (
    <OperatorSessionProvider onError={onOperatorError}>
      <div className="app">
        <AppHeader info={info} operator={<SignedInOperator />} />
        <div className="app__body">
          <SideNav current={route} />
          <main className="app__main">
            <ErrorBannerSlot route={route} />
            <AppSignInGate route={route}>
              <ErrorBoundary resetKey={route}>
                <Screen route={route} section={section} />
              </ErrorBoundary>
            </AppSignInGate>
          </main>
        </div>
      </div>
    </OperatorSessionProvider>
  );
}

function Screen({ route, section }: { route: string; section: (typeof SECTIONS)[number] | undefined }) {
  if (route === 'authorities') return <AuthoritiesScreen />;
  if (route === 'ceremonies') return <CeremonyScreen />;
  if (route === 'station') return <StationScreen />;
  if (route === 'qa') return <QaScreen />;
  if (route === 'inventory') return <InventoryScreen />;
  if (route === 'audit' || !section) return <AuditScreen />;
  return <PlannedSection section={section} />;
}
