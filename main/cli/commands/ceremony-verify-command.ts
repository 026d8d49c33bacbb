import type { Command } from 'commander';
import { InvalidInputError } from '../../errors/hallmark-error.js';
import { CeremonyError } from '../../ceremony/ceremony-errors.js';
import { formatTranscriptVerification } from '../../ceremony/transcript/format-transcript-verification.js';
import { verifyTranscript } from '../../ceremony/transcript/verify-transcript.js';
import type { CliContext } from '../cli-context.js';
import { readTrustFile } from '../../manifest/verify/read-trust-anchors.js';

/** `hallmark ceremony verify-transcript DIR`: checks a ceremony's output directory from its files alone (no workspace). */
export function registerCeremonyVerifyTranscript(ceremony: Command, ctx: () => CliContext): void {
  ceremony
    .command('verify-transcript')
    .description(
      "verify a ceremony's output directory: record chain, completion, outputs, SHA256SUMS, the CMS signature and no unexplained files; exit 0 only if every check passes (no workspace needed)",
    )
    .argument('<dir>', 'the ceremony output directory (transcript.jsonl, transcript.jsonl.p7s, SHA256SUMS, …)')
    .option(
      '--trust <file>',
      'a trusted root certificate (PEM or DER); repeat for several. The signer must chain to one of them',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .action((dir: string, opts: { trust: string[] }) => {
      const c = ctx();
      const trust = opts.trust.length > 0 ? opts.trust.flatMap((f) => certificatesIn(readTrustFile(f), f)) : undefined;
      const v = verifyTranscript(dir, trust ? { trust } : {});
      if (c.json) c.printJson(v);
      else c.io.out(formatTranscriptVerification(v));
      if (!v.ok) {
        const failed = v.checks.filter((k) => !k.ok).map((k) => k.name);
        throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `${failed.length} check(s) failed: ${failed.join(', ')}`, 'check');
      }
    });
}

/** Every CERTIFICATE block of a PEM file, or the file itself when it is one DER certificate. */
function certificatesIn(input: Buffer, source: string): Buffer[] {
  const text = input.toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g)].map((m) =>
    Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'),
  );
  if (blocks.length > 0) return blocks;
  if (input[0] === 0x30) return [input];
  throw new InvalidInputError(`${source} holds no certificate (PEM or DER expected)`);
}
