import { Command, CommanderError } from 'commander';
import { APP_VERSION } from './app-version.js';
import { catalogueEntry } from './errors/error-catalogue.js';
import { isHallmarkError } from './errors/hallmark-error.js';
import { CliContext, type CliIo, type GlobalOptions } from './cli/cli-context.js';
import { recordCliRefusal } from './cli/record-refusal.js';
import { registerAudit } from './cli/commands/audit-command.js';
import { registerCsr } from './cli/commands/csr-command.js';
import { registerInfo } from './cli/commands/info-command.js';
import { registerInit } from './cli/commands/init-command.js';
import { registerKey } from './cli/commands/key-command.js';
import { registerCa } from './cli/commands/ca-command.js';
import { registerCert } from './cli/commands/cert-command.js';
import { registerCrl } from './cli/commands/crl-command.js';
import { registerLint } from './cli/commands/lint-command.js';
import { registerSim } from './cli/commands/sim-command.js';
import { registerDevice } from './cli/commands/device-command.js';
import { registerBatch } from './cli/commands/batch-command.js';
import { registerStation } from './cli/commands/station-command.js';
import { registerManifest } from './cli/commands/manifest-command.js';
import { registerInventory } from './cli/commands/inventory-command.js';
import { registerCeremony } from './cli/commands/ceremony-command.js';
import { registerPkcs11Module } from './cli/commands/pkcs11-module-command.js';
import { registerAccount } from './cli/commands/account-command.js';

/** Exit statuses shared by every command. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

function buildProgram(io: CliIo, getContext: () => CliContext): Command {
  const program = new Command('hallmark')
    .description('Hallmark: offline device-identity PKI — ceremonies, factory station, batch manifests')
    .version(APP_VERSION, '-V, --version')
    .option('--home <dir>', 'workspace directory (default: $HALLMARK_HOME, else the per-user data directory)')
    .option('--json', 'machine-readable output on stdout')
    .option('--actor <name>', 'who the audit log names for this run (default: $HALLMARK_ACTOR, else the OS user)')
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError(false)
    .showSuggestionAfterError(false)
    .configureOutput({
      writeOut: (s) => io.out(s),
      // Commander's own error text is replaced by ours (see main()).
      writeErr: (s) => {
        if (!s.startsWith('error:')) io.err(s);
      },
    });
  // Every subcommand inherits strict parsing and our error handling.
  program.exitOverride();
  registerInit(program, getContext);
  registerInfo(program, getContext);
  registerAudit(program, getContext);
  registerCsr(program, getContext);
  registerKey(program, getContext);
  registerCa(program, getContext);
  registerCert(program, getContext);
  registerCrl(program, getContext);
  registerLint(program, getContext);
  registerSim(program, getContext);
  registerDevice(program, getContext);
  registerBatch(program, getContext);
  registerStation(program, getContext);
  registerManifest(program, getContext);
  registerInventory(program, getContext);
  registerCeremony(program, getContext);
  registerPkcs11Module(program, getContext);
  registerAccount(program, getContext);
  for (const cmd of allCommands(program)) {
    cmd.exitOverride();
    cmd.allowUnknownOption(false);
    cmd.allowExcessArguments(false);
    cmd.configureOutput(program.configureOutput());
  }
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs the CLI and returns the exit status; never throws. */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const getContext = () => new CliContext(program.opts<GlobalOptions>(), io);
  const program = buildProgram(io, getContext);
  let command = 'hallmark';
  program.hook('preAction', (_program, action) => {
    command = commandPath(action);
  });
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    const debug = program.opts<GlobalOptions>().debug === true || argv.includes('--debug');
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_OK;
      io.err(`error: USAGE: ${e.message.replace(/^error:\s*/, '')}\n`);
      return EXIT_USAGE;
    }
    if (isHallmarkError(e)) {
      recordCliRefusal(e, command, getContext());
      io.err(`error: ${e.code}: ${e.message}\n`);
      const remedy = io.errIsTerminal === true ? catalogueEntry(e.code)?.remedy : undefined;
      if (remedy !== undefined) io.err(`hint: ${remedy}\n`);
      if (debug && e.stack) io.err(`${e.stack}\n`);
      return e.kind === 'check' ? EXIT_CHECK_FAILED : EXIT_USAGE;
    }
    io.err(`error: INTERNAL: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_USAGE;
  }
}

/** `inventory import`, `ceremony run`: the words that name a subcommand. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null && c.parent !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function defaultIo(): CliIo {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    errIsTerminal: process.stderr.isTTY === true,
  };
}
