/** The triggers that keep the log append-only; the verifier reports any that are missing. */
export const AUDIT_PROTECTION_TRIGGERS = [
  'audit_log_no_update',
  'audit_log_no_delete',
  'audit_log_in_order',
  'audit_log_track_head',
  'audit_head_no_delete',
  // migration 011: the audit keys, whose certificates the app's own checkpoint check uses
  'audit_keys_no_update',
  'audit_keys_no_delete',
] as const;
