/**
 * Whether a tool a test needs is here. Outside CI a missing tool lets the suite skip the
 * tests that need it (a developer's laptop without SoftHSM); under CI=true it throws, so
 * the file fails instead of passing silently with part of its coverage gone. The message
 * names the Debian package `.ci/run` installs.
 */
export function requiredTool(present: boolean, what: string, debianPackage: string): boolean {
  if (present) return true;
  if (process.env.CI === 'true') throw new Error(`${what} not found and CI=true: install the Debian package ${debianPackage} (see .ci/run)`);
  return false;
}
