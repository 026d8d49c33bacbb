/** Why Start is not possible yet, in the order a technician would fix it; null when it is. */
export function startBlocker(s: { batchId: string | null; operator: string; ports: readonly string[]; secret: string; live: boolean }): string | null {
  if (s.live) return 'The station is running.';
  if (s.batchId === null) return 'Choose a work order.';
  if (s.operator.trim() === '') return 'Enter your name as operator.';
  if (s.ports.length === 0) return 'Choose at least one port.';
  if (s.ports.length > 64) return 'At most 64 ports at once.';
  if (s.secret === '') return 'Enter the CA key passphrase or token PIN.';
  return null;
}
