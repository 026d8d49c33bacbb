import './operators.css';
import { useOperatorSession } from './operator-session.js';

/** The header's "signed in as" with Sign out; nothing for a workspace without accounts. */
export function SignedInOperator() {
  const { status, locked, signOut } = useOperatorSession();
  if (status === null || !status.accountsRequired) return null;
  const who = status.signedIn;
  if (who === null) {
    return (
      <span className="app-header__operator" data-testid="operator-header" data-state={locked ? 'locked' : 'signed-out'}>
        {locked ? 'Locked' : 'Not signed in'}
      </span>
    );
  }
  return (
    <span className="app-header__operator" data-testid="operator-header" data-state="signed-in">
      <span className="app-header__label">Operator</span>
      <span data-testid="operator-signed-in" title={who.roles.join(', ')}>
        {who.name}
      </span>
      <span className="app-header__roles">{who.roles.join(', ')}</span>
      <button type="button" className="button button--small app-header__sign-out" data-testid="operator-sign-out" onClick={() => void signOut()}>
        Sign out
      </button>
    </span>
  );
}
