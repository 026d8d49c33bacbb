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

/** "step 2 of 4" and how many acknowledgments are in, for the progress bar. */
export function runProgress(run: CeremonyRunView): { done: number; total: number; label: string } {
  const total = run.steps.length;
  const done = run.steps.filter((s) => s.state === 'done').length;
  if (run.phase === 'completed') return { done: total, total, label: `all ${total} steps done` };
  if (run.phase === 'aborted') return { done, total, label: `stopped at step ${Math.min(run.current + 1, total)} of ${total}` };
  const step = run.steps[run.current];
  if (!step) return { done, total, label: `finishing (${done} of ${total} steps done)` };
  const acked = step.acks.filter((a) => a.time !== null).length;
  const what = step.state === 'working' ? `${step.action ?? 'working'} in progress` : `${acked} of ${step.acks.length} acknowledgments`;
  return { done, total, label: `step ${run.current + 1} of ${total}: ${what}` };
}

/** A name typed for a sign-off matches only exactly (surrounding spaces aside): it is a signature, not a search. */
export function nameMatches(typed: string, name: string): boolean {
  return typed.trim() === name;
}
