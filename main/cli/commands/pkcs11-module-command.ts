import type { Command } from 'commander';
import { assertSafePkcs11ModuleFile, pkcs11ModulesFromEnv, PKCS11_MODULES_ENV } from '../../keys/pkcs11/pkcs11-module-policy.js';
import { SettingsRepository } from '../../store/settings-repository.js';
import type { CliContext } from '../cli-context.js';

/**
 * The workspace's allow-list of PKCS#11 modules (main/keys/pkcs11/pkcs11-module-policy.ts).
 * Only here, at the CLI, can a module be added: never from a binding, a ceremony script or
 * the app's window. A module is checked (absolute, root-owned, not writable by others, not
 * on removable media) before it is listed, and never loaded by this command.
 */
export function registerPkcs11Module(program: Command, ctx: () => CliContext): void {
  const mod = program.command('pkcs11-module').description(`the PKCS#11 modules this workspace may load (besides ${PKCS11_MODULES_ENV} in the environment)`);

  mod
    .command('allow')
    .description('add a module to the workspace allow-list (checked, not loaded)')
    .argument('<path>', 'the module, by its absolute path')
    .action(async (path: string) => {
      const c = ctx();
      const real = assertSafePkcs11ModuleFile(path);
      await c.withWorkspace((ws) => {
        const added = new SettingsRepository(ws).allowPkcs11Module(path, c.actor);
        if (c.json) return c.printJson({ path, realPath: real, added });
        c.io.out(added ? `allowed ${path}${real !== path ? ` (${real})` : ''}\n` : `${path} is already allowed\n`);
      });
    });

  mod
    .command('remove')
    .description('take a module off the workspace allow-list')
    .argument('<path>', 'the module as listed')
    .action(async (path: string) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const removed = new SettingsRepository(ws).removePkcs11Module(path, c.actor);
        if (c.json) return c.printJson({ path, removed });
        c.io.out(removed ? `removed ${path}\n` : `${path} was not on the workspace allow-list\n`);
      });
    });

  mod
    .command('list')
    .description('the modules allowed: from the environment and from the workspace')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const environment = pkcs11ModulesFromEnv(c.io.env);
        const workspace = new SettingsRepository(ws).pkcs11Modules();
        if (c.json) return c.printJson({ environment, workspace });
        const lines = [...environment.map((p) => `environment  ${p}`), ...workspace.map((p) => `workspace    ${p}`)];
        c.io.out(
          lines.length ? `${lines.join('\n')}\n` : `no PKCS#11 module is allowed (set ${PKCS11_MODULES_ENV} or run hallmark pkcs11-module allow PATH)\n`,
        );
      });
    });
}
