import { UsageError } from '../errors/hallmark-error.js';
import { CSR_ALLOWANCE_NAMES, isCsrAllowance, type CsrAllowance } from '../x509/csr/csr-allowances.js';

/** A comma-separated list of CSR allowance names from the command line ("none" for none). */
export function allowanceList(text: string): CsrAllowance[] {
  if (text.trim() === 'none') return [];
  const names = text.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !isCsrAllowance(n));
  if (unknown.length > 0)
    throw new UsageError(`unknown CSR allowance ${unknown.map((n) => JSON.stringify(n.slice(0, 40))).join(', ')} (known: ${CSR_ALLOWANCE_NAMES.join(', ')})`);
  return names as CsrAllowance[];
}
