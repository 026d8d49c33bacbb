import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where the workspace lives: an explicit --home, else HALLMARK_HOME, else the OS's
 * per-user data directory. The desktop app and the CLI use this same rule so they
 * always see the same workspace.
 */
export function resolveWorkspaceHome(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  if (env.HALLMARK_HOME) return resolve(env.HALLMARK_HOME);
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Hallmark');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Hallmark');
    default:
      return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'hallmark');
  }
}
