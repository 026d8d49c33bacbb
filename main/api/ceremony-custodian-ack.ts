import type { Input } from '../../preload/api.js';
import { accountsRequired } from '../operators/accounts.js';
import { OperatorError } from '../operators/operator-errors.js';
import { verifyOperator } from '../operators/verify-operator.js';
import type { Workspace } from '../store/workspace.js';

/**
 * A custodian's acknowledgment in the app once the workspace has accounts (docs/operators.md):
 * several people share one screen, so the window's sign-in says nothing about who is
 * acknowledging — each custodian enters their own credential at that step, checked by
 * verifyOperator() with the custodian role (the lockout counter and audit entries as at
 * sign-in) and dropped. The name acknowledged must be that account, so the script names
 * custodians by their account names and the transcript names the account. Witnesses and
 * the administrator still type their names; an account-less workspace is as before.
 */
export async function checkCustodianAcknowledgment(ws: Workspace, req: Input<'ceremony.acknowledge'>): Promise<void> {
  if (req.role !== 'custodians' || !accountsRequired(ws)) return;
  const name = req.name.trim();
  const action = `acknowledge ceremony step "${req.step}"`;
  if (req.credential === undefined) {
    ws.audit.append({ actor: name, action: 'operator.refused', subject: name, details: { action, code: 'OPERATOR_CREDENTIAL_REQUIRED' } });
    throw new OperatorError(
      'OPERATOR_CREDENTIAL_REQUIRED',
      `this workspace has operator accounts: custodian ${name} acknowledges with their own passphrase or PIN, not a typed name`,
    );
  }
  await verifyOperator(ws, { name, secret: req.credential, role: 'custodian', action });
}
