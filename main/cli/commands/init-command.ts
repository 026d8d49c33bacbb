import type { Command } from 'commander';
import { Workspace } from '../../store/workspace.js';
import type { CliContext } from '../cli-context.js';

export function registerInit(program: Command, ctx: () => CliContext): void {
  program
    .command('init')
    .description('create a workspace (database, key directory, audit log); on an existing one, change nothing')
    .action(() => {
      const c = ctx();
      const { workspace, created } = Workspace.init(c.home, c.actor);
      try {
        const info = workspace.info();
        if (c.json) c.printJson({ created, ...info });
        else if (created) c.io.out(`created workspace ${info.home} (id ${info.workspaceId})\n`);
        else c.io.out(`workspace ${info.home} already exists (id ${info.workspaceId}); nothing changed\n`);
      } finally {
        workspace.close();
      }
    });
}
