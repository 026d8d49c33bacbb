import type { CeremonyRunView } from '../../../preload/api.js';

/** The hex digest in groups of four, eight groups a line: how two people compare it aloud. */
export function hexLines(hex: string): string[] {
  const groups = hex.match(/.{1,4}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 8) lines.push(groups.slice(i, i + 8).join(' '));
  return lines;
}

/** The words four to a line, numbered from 1 as the CLI prints them (formatHashWords). */
export function wordLines(words: readonly string[]): { n: number; words: string[] }[] {
  const out: { n: number; words: string[] }[] = [];
  for (let i = 0; i < words.length; i += 4) out.push({ n: i + 1, words: words.slice(i, i + 4) });
  return out;
}

/**
 * An SVG document as an <img> source. The CSP allows img data: URLs but no inline markup,
 * and an <img> never runs script that might hide in the SVG.
 */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}

/**
 * "step 2 of 4" and how many acknowledgments are in, for the progress bar. Counted in
 * script steps: the extra confirmations (clock, rehearsal comparison) belong to the step
 * they happen in or before.
 */
export function runProgress(run: CeremonyRunView): { done: number; total: number; label: string } {
  const script = run.steps.filter((s) => s.kind === 'script');
  const total = script.length;
  const done = script.filter((s) => s.state === 'done').length;
  if (run.phase === 'completed') return { done: total, total, label: `all ${total} steps done` };
  const step = run.steps[run.current];
  const n = Math.max(1, Math.min(run.steps.slice(0, run.current + 1).filter((s) => s.kind === 'script').length, total));
  if (run.phase === 'aborted') return { done, total, label: `stopped at step ${n} of ${total}` };
  if (!step) return { done, total, label: `finishing (${done} of ${total} steps done)` };
  const acked = step.acks.filter((a) => a.time !== null).length;
  if (run.shareTypeBack)
    return {
      done,
      total,
      label: `step ${n} of ${total}: ${run.shareTypeBack.custodian} types share ${run.shareTypeBack.index} of ${run.shareTypeBack.total} back`,
    };
  if (run.secretRequest)
    return { done, total, label: `step ${n} of ${total}: waiting for ${run.secretRequest.who}'s ${run.secretRequest.kind === 'pin' ? 'PIN' : 'passphrase'}` };
  if (step.kind === 'preflight-clock') return { done, total, label: `before step 1: witnesses confirm the clock (${acked} of ${step.acks.length})` };
  const what = step.state === 'working' ? `${step.action ?? 'working'} in progress` : `${acked} of ${step.acks.length} acknowledgments`;
  return { done, total, label: `step ${n} of ${total}: ${what}` };
}

/** A name typed for a sign-off matches only exactly (surrounding spaces aside): it is a signature, not a search. */
export function nameMatches(typed: string, name: string): boolean {
  return typed.trim() === name;
}
