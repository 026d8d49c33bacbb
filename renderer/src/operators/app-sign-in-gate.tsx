import type { ReactNode } from 'react';
import { useEffect } from 'react';
import { useOperatorSession } from './operator-session.js';
import { SignInGate } from './sign-in-gate.js';

/**
 * The whole window behind the sign-in once the workspace has accounts (docs/operators.md):
 * the screen stays mounted under the gate, inert and dimmed, so a running station or an
 * open ceremony keeps its state while nobody is signed in. The main process refuses the
 * actions anyway (OPERATOR_NOT_SIGNED_IN); this only says so before anyone tries.
 */
export function AppSignInGate({ route, children }: { route: string; children: ReactNode }) {
  const session = useOperatorSession();
  const refresh = session.refresh;
  // Asked again on each arrival: accounts may have been created (hallmark account bootstrap) since the window opened.
  useEffect(refresh, [refresh, route]);
  const gated = session.status?.accountsRequired === true && session.status.signedIn === null;
  return (
    <>
      {gated ? <SignInGate key={session.locked?.name ?? ''} /> : null}
      {/* One element whatever the state, so the gate's coming and going never remounts the screen. */}
      <div className={`app__screen${gated ? ' app__screen--locked' : ''}`} inert={gated} data-testid="app-screen" data-locked={gated ? 'true' : 'false'}>
        {children}
      </div>
    </>
  );
}
