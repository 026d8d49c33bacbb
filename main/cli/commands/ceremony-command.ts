import { MediaFileError, readMediaFile } from '../../files/read-media-file.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors/hallmark-error.js';
import { ackFileSource, terminalSource } from '../../ceremony/acknowledgments.js';
import { loadAcksFile } from '../../ceremony/acks-file.js';
import { bindingParts, loadBinding } from '../../ceremony/ceremony-binding.js';
import type { SecretRequest } from '../../ceremony/secret-request.js';
import { promptHidden } from '../secret-input.js';
import { formatHashWords, hashWords } from '../../ceremony/hash-words.js';
import { MAX_SCRIPT_BYTES, parseCeremonyScript, type LoadedScript } from '../../ceremony/parse-ceremony-script.js';
import { runCeremony } from '../../ceremony/run-ceremony.js';
import { terminalExceptions } from '../../ceremony/terminal-exceptions.js';
import { terminalShareTypeBack } from '../../ceremony/terminal-share-type-back.js';
import { bindingHashQrText, bindingHashTerminalQr, scriptHashQrText, scriptHashTerminalQr } from '../../ceremony/script-hash-qr.js';
import type { CliContext } from '../cli-context.js';
import { registerCeremonyVerifyTranscript } from './ceremony-verify-command.js';
import { registerCeremonyPublication } from './ceremony-publication-command.js';
import { registerCeremonyRegister } from './ceremony-register-command.js';
import { pkcs11ModulesAllowed } from '../../store/settings-repository.js';
import { snapshotWorkspace } from '../../store/workspace-snapshot.js';
import { CeremonyError } from '../../ceremony/ceremony-errors.js';
import { addAuditKeyOptions, checkpointNow, type AuditKeyOptions } from '../audit-key-options.js';

interface RunOptions extends AuditKeyOptions {
  binding?: string;
  env?: string;
  approvedHash: string;
  approvedBindingHash: string;
  out: string;
  ackFile?: string;
  acks?: string;
  saveRehearsal?: string;
  compareRehearsal?: string;
  acceptRehearsalDifferences?: boolean;
  resume?: string;
  dryRun?: boolean;
}

export function registerCeremony(program: Command, ctx: () => CliContext): void {
  const ceremony = program
    .command('ceremony')
    .description('air-gapped ceremonies from a reviewed YAML script: approve its hash, run it with witnesses, keep the signed transcript');
  registerCeremonyVerifyTranscript(ceremony, ctx);

  ceremony
    .command('hash')
    .description("print a script's SHA-256 (and its binding's) in hex and as words, for the custodians to compare aloud and approve")
    .argument('<script>', 'the ceremony script (YAML)')
    .option('--binding <file>', "also the environment binding's SHA-256 and what it chooses: the custodians approve both")
    .option('--qr', 'also print the hashes as QR codes on the terminal (the transcript records the same text)')
    .action(async (scriptPath: string, opts: { qr?: boolean; binding?: string }) => {
      const c = ctx();
      const loaded = loadScript(scriptPath);
      const qrText = scriptHashQrText(loaded.sha256);
      const binding = opts.binding !== undefined ? loadBinding(opts.binding) : null;
      if (c.json) {
        return c.printJson({
          sha256: loaded.sha256,
          words: hashWords(loaded.sha256),
          qrText,
          kind: loaded.script.kind,
          name: loaded.script.name,
          ...(binding
            ? {
                binding: {
                  path: binding.path,
                  sha256: binding.sha256,
                  words: hashWords(binding.sha256),
                  qrText: bindingHashQrText(binding.sha256),
                  parts: bindingParts(binding),
                },
              }
            : {}),
        });
      }
      c.io.out(`${binding ? 'script  ' : ''}${loaded.sha256}\n${formatHashWords(loaded.sha256)}\n`);
      if (opts.qr) c.io.out(`${await scriptHashTerminalQr(loaded.sha256)}\n${qrText}\n`);
      if (binding) {
        c.io.out(`\nbinding ${binding.sha256}  (${binding.path})\n${formatHashWords(binding.sha256)}\n`);
        if (opts.qr) c.io.out(`${await bindingHashTerminalQr(binding.sha256)}\n${bindingHashQrText(binding.sha256)}\n`);
        c.io.out(
          `\nthe binding chooses:\n${bindingParts(binding)
            .map((p) => `  ${p.label.padEnd(34)} ${p.value}${p.attention ? '   <-- ' + p.attention : ''}`)
            .join('\n')}\n`,
        );
      }
    });

  addAuditKeyOptions(
    ceremony
      .command('run')
      .description("run an approved ceremony script against this machine's binding (token, PIN source)")
      .argument('<script>', 'the ceremony script (YAML), byte-identical to the approved one')
      .option('--env <file>', 'the environment binding (YAML): PKCS#11 module, token serial, PIN source (give this or --binding)')
      .option('--binding <file>', 'the same as --env')
      .requiredOption('--approved-hash <hex>', "the script's SHA-256 as the custodians approved it (`hallmark ceremony hash`)")
      .requiredOption('--approved-binding-hash <hex>', "the binding's SHA-256 as the custodians approved it (`hallmark ceremony hash SCRIPT --binding FILE`)")
      .requiredOption('--out <dir>', 'output directory (removable medium); existing files are never overwritten')
      .option(
        '--acks <file>',
        "REHEARSALS AND TESTS ONLY: acknowledgments, witnesses' exceptions and typed-back share texts as YAML instead of typed at the terminal (recorded as such)",
      )
      .option('--ack-file <file>', 'REHEARSALS AND TESTS ONLY: acknowledgments as "ROLE NAME" lines instead of typed at the terminal (recorded as such)')
      .option(
        '--save-rehearsal <file>',
        "after the run, keep the certificates' fields (minus key, serial, signature, SKI/AKI, dates) for comparison at the real ceremony",
      )
      .option(
        '--compare-rehearsal <file>',
        'before each certificate signature, show a field-by-field comparison with this rehearsal record; administrator and witnesses acknowledge it',
      )
      .option('--accept-rehearsal-differences', 'let the ceremony go on when the comparison finds differences (their acknowledgment then covers them)')
      .option('--resume <id>', 'continue this interrupted ceremony after its last committed step (hallmark ceremony list)')
      .option(
        '--dry-run',
        'rehearse against a throw-away copy of the workspace: nothing is recorded in it (outputs still go to --out; keys are still made on the bound token, so bind a rehearsal token)',
      ),
  ).action(async (scriptPath: string, opts: RunOptions) => {
    const c = ctx();
    const script = loadScript(scriptPath);
    const bindingPath = opts.env ?? opts.binding;
    if (bindingPath === undefined || (opts.env !== undefined && opts.binding !== undefined))
      throw new UsageError('give the environment binding as exactly one of --env <file> or --binding <file>');
    if (opts.acks !== undefined && opts.ackFile !== undefined) throw new UsageError('--acks and --ack-file do not go together: give the acknowledgments once');
    const binding = loadBinding(bindingPath);
    if (!opts.ackFile && !opts.acks && !process.stdin.isTTY)
      throw new UsageError('a ceremony is acknowledged at a terminal; for a rehearsal give --acks or --ack-file');
    const acksFile = opts.acks !== undefined ? loadAcksFile(opts.acks) : null;
    const acks = acksFile?.source ?? (opts.ackFile ? ackFileSource(opts.ackFile) : terminalSource());
    await c.withWorkspace(async (real) => {
      if (opts.dryRun && opts.resume !== undefined) throw new UsageError('--dry-run and --resume do not go together: a dry run leaves nothing to resume');
      const dry = opts.dryRun ? snapshotWorkspace(real, c.actor) : null;
      const ws = dry?.workspace ?? real;
      const result = await runCeremony({
        ws,
        script,
        scriptPath: resolve(scriptPath),
        approvedHash: opts.approvedHash,
        approvedBindingHash: opts.approvedBindingHash,
        binding,
        pkcs11Modules: pkcs11ModulesAllowed(ws, c.io.env),
        env: c.io.env,
        outDir: resolve(opts.out),
        acks,
        actor: c.actor,
        // Instructions go to stderr so --json stdout stays machine-readable.
        say: (text) => c.io.err(text),
        ...(opts.saveRehearsal !== undefined ? { saveRehearsal: resolve(opts.saveRehearsal) } : {}),
        ...(opts.compareRehearsal !== undefined ? { compareRehearsal: resolve(opts.compareRehearsal) } : {}),
        ...(opts.acceptRehearsalDifferences ? { acceptRehearsalDifferences: true } : {}),
        ...(opts.resume !== undefined ? { resume: opts.resume } : {}),
        ...(dry ? { dryRun: true } : {}),
        // A source the binding marks typed is asked at the terminal, echo off, at the step that needs it.
        ...(process.stdin.isTTY
          ? { secrets: (r: SecretRequest) => promptHidden(`${r.custodian ?? 'administrator'}: type ${r.what} (step "${r.step}"): `) }
          : {}),
        ...(acksFile ? { exceptions: acksFile.exceptions } : opts.ackFile ? {} : { exceptions: terminalExceptions(script.script) }),
        ...(acksFile?.typeBack ? { typeBack: acksFile.typeBack } : acksFile || opts.ackFile ? {} : { typeBack: terminalShareTypeBack() }),
      }).finally(() => dry?.dispose());
      // A software audit key only: the ceremony's token is the binding's, not the CLI's options.
      if (!dry) await checkpointNow(c, real, opts, 'ceremony-end');
      if (c.json) return c.printJson(result);
      for (const o of [...result.outputs, result.transcriptHtml, result.transcript, ...(result.signature ? [result.signature] : []), result.sums])
        c.io.out(`${o.sha256}  ${o.file}\n`);
      c.io.out(`ceremony ${result.ceremonyId}${dry ? ' (dry run: nothing was recorded in the workspace)' : ''}\n`);
    });
  });

  registerCeremonyPublication(ceremony, ctx);
  registerCeremonyRegister(ceremony, ctx);
}

function loadScript(path: string): LoadedScript {
  let bytes: Buffer;
  try {
    // From the medium: no symlink, a regular file, bounded as the app's ceremony.load is.
    bytes = readMediaFile(path, MAX_SCRIPT_BYTES, 'ceremony script', { tooLarge: (m) => new CeremonyError('CEREMONY_SCRIPT_INVALID', m) });
  } catch (e) {
    if (!(e instanceof MediaFileError) || e.code !== 'FILE_UNREADABLE') throw e;
    throw new UsageError(e.message);
  }
  return parseCeremonyScript(bytes, path);
}
