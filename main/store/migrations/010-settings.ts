/**
 * Workspace settings the machine's administrator makes (`hallmark pkcs11-module allow`):
 * one row per setting, its value JSON. Every change is written in the same transaction as
 * its audit entry (settings-repository.ts). The first setting is `pkcs11.allowedModules`,
 * the PKCS#11 modules this workspace may load (main/keys/pkcs11/pkcs11-module-policy.ts).
 */
export default /* sql */ `
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL CHECK (json_valid(value)),
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
`;
