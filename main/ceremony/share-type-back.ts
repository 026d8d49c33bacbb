import { shareDigest } from '../keys/shares/encrypted-share.js';
import { parseShareFile, readShareFileText } from '../keys/shares/share-file.js';
import { parseShareText } from '../keys/shares/share-text.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import type { Workspace } from '../store/workspace.js';
import { CeremonyError } from './ceremony-errors.js';
import type { RunCeremonyRequest, ShareTypeBackRequest } from './ceremony-request.js';
import { shareCheckOf } from './ceremony-script-schema.js';

/** A custodian who cannot type their sheet back in three tries has a sheet (or a hand) the key must not depend on. */
export const TYPE_BACK_ATTEMPTS = 3;

/** One share just written and read back, as the custodian will type it from paper. */
export interface ShareOnMedium {
  readonly index: number;
  readonly custodian: string;
  /** the share file on the medium (absolute) */
  readonly file: string;
  /** its printable sheet, relative to the medium */
  readonly sheet: string;
}

export interface TypedBack {
  readonly typedBack: true;
  /** UTC, when the text that matched was accepted */
  readonly typedBackAt: string;
  readonly typeBackAttempts: number;
}

/**
 * Refuses, before the ceremony touches anything, a script that asks custodians to type
 * their shares back when the face running it has no way to ask them.
 */
export function assertTypeBackPossible(req: Pick<RunCeremonyRequest, 'script' | 'typeBack'>): void {
  if (shareCheckOf(req.script.script) !== 'type-back' || req.typeBack) return;
  throw new CeremonyError(
    'CEREMONY_TYPE_BACK_UNAVAILABLE',
    'the script has each custodian type their share back from the printed sheet (shareCheck: type-back), but this run cannot ask them (acknowledgments from a file); run it at the terminal or on the Ceremonies screen',
  );
}

/**
 * Each custodian in turn types their share back from the sheet just printed, before the
 * next custodian's turn. The text must parse (a typo is named by its line, from the
 * per-line checks, and the custodian tries again) and must be byte-for-byte the share
 * on the medium — a sheet that reads as some other valid share is as useless as an
 * unreadable one. Each accepted share is audited with the custodian as actor.
 */
export async function typeBackShares(args: {
  ws: Workspace;
  typeBack: NonNullable<RunCeremonyRequest['typeBack']>;
  ceremony: string;
  step: string;
  label: string;
  total: number;
  shares: readonly ShareOnMedium[];
}): Promise<Map<number, TypedBack>> {
  const done = new Map<number, TypedBack>();
  for (const s of args.shares) {
    const { share } = parseShareFile(readShareFileText(s.file));
    const onMedium = shareDigest(share);
    let problem: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const request: ShareTypeBackRequest = {
        id: `${args.step}-share-${s.index}-try-${attempt}`,
        custodian: s.custodian,
        label: args.label,
        index: s.index,
        total: args.total,
        step: args.step,
        sheet: s.sheet,
        ...(problem !== undefined ? { problem } : {}),
      };
      problem = check(await args.typeBack(request), onMedium, s);
      if (problem === undefined) {
        const typedBackAt = new Date().toISOString();
        done.set(s.index, { typedBack: true, typedBackAt, typeBackAttempts: attempt });
        args.ws.audit.append({
          actor: s.custodian,
          action: 'ceremony.share-typed-back',
          subject: args.ceremony,
          details: {
            step: args.step,
            label: args.label,
            index: s.index,
            total: args.total,
            shareSha256: onMedium,
            sheet: s.sheet,
            attempts: attempt,
            time: typedBackAt,
          },
        });
        break;
      }
      if (attempt >= TYPE_BACK_ATTEMPTS) {
        throw new CeremonyError(
          'CEREMONY_TYPE_BACK_FAILED',
          `custodian "${s.custodian}" could not type share ${s.index} of ${args.total} back from ${s.sheet} in ${TYPE_BACK_ATTEMPTS} tries (last: ${problem}); the split is not accepted`,
          'check',
          { custodian: s.custodian, index: s.index },
        );
      }
    }
  }
  return done;
}

/** Why the typed text is not this custodian's share, or undefined when it is. */
function check(text: string, onMedium: string, s: ShareOnMedium): string | undefined {
  let typed;
  try {
    typed = parseShareText(text);
  } catch (e) {
    if (isHallmarkError(e) && e.code === 'SHARE_CORRUPT') return e.message;
    throw e;
  }
  if (shareDigest(typed) === onMedium) return undefined;
  return typed.index !== s.index
    ? `the text typed is share ${typed.index}, not share ${s.index}: type the sheet of ${s.custodian} (${s.sheet})`
    : `every line checks, but the text typed is not the share on the medium (${s.sheet}): type this ceremony's sheet`;
}
