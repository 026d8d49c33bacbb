import type { Command } from 'commander';
import { APP_VERSION } from '../../app-version.js';
import type { CliContext } from '../cli-context.js';

export function registerInfo(program: Command, ctx: () => CliContext): void {
  program
    .command('info')
    .description('show the workspace: where it is, its schema version and audit head')
    .action(async () => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const info = { ...ws.info(), appVersion: APP_VERSION, auditHead: ws.audit.head() };
        if (c.json) return c.printJson(info);
        c.io.out(
          [
            `workspace   ${info.home}`,
            `id          ${info.workspaceId}`,
            `created     ${info.createdAt}`,
            `database    ${info.databasePath} (schema ${info.schemaVersion})`,
            `keys        ${info.keysPath}`,
            `audit head  ${info.auditHead ? `seq ${info.auditHead.seq} ${info.auditHead.hash}` : 'empty'}`,
            `hallmark    ${info.appVersion}`,
            '',
          ].join('\n'),
        );
      });
    });
}
