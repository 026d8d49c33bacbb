import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Driving the Ceremonies screen as the people in the room do: open a new ceremony, load
 * the script, custodians approve its hash, pre-flight, and then each step's sign-offs and
 * secrets as the run asks for them.
 */
export async function loadAndApprove(page: Page, script: string, binding: string, custodians: readonly string[]): Promise<string> {
  await page.getByTestId('ceremony-new').click();
  await page.getByTestId('ceremony-script').fill(script);
  await page.getByTestId('ceremony-binding').fill(binding);
  await page.getByTestId('ceremony-load').click();
  return approveLoaded(page, custodians);
}

/** The loaded script's hash, once each custodian has typed their name under it. */
export async function approveLoaded(page: Page, custodians: readonly string[]): Promise<string> {
  const hash = page.getByTestId('ceremony-hash');
  await hash.waitFor();
  const sha = (await hash.getAttribute('data-sha256'))!;
  for (const name of custodians) {
    const row = page.locator(`[data-testid="ceremony-approval"][data-name="${name}"]`);
    await row.getByTestId('ceremony-approval-name').fill(name);
    await row.getByTestId('ceremony-approval-submit').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('signed');
  }
  return sha;
}

/** From the list: open an interrupted ceremony's detail. */
export async function openPast(page: Page, id: string): Promise<void> {
  const back = page.getByTestId('ceremony-back');
  if ((await back.count()) > 0) await back.click();
  const row = page.locator(`[data-testid="ceremony-past-row"][data-id="${id}"]`);
  await expect.poll(() => row.getAttribute('data-status')).toBe('interrupted');
  await row.click();
  await expect.poll(() => page.getByTestId('ceremony-detail').getAttribute('data-id')).toBe(id);
}

export function stepRow(page: Page, step: string) {
  return page.locator(`[data-testid="ceremony-step"][data-step="${step}"]`);
}

/** Waits until the step asks for acknowledgments, then each person types their own name. */
export async function acknowledgeStep(page: Page, step: string, before?: () => Promise<void>): Promise<string[]> {
  const row = stepRow(page, step);
  await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('acknowledging');
  if (before) await before();
  const acks = row.getByTestId('ceremony-ack');
  const count = await acks.count();
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const ack = acks.nth(i);
    const name = (await ack.getAttribute('data-name'))!;
    await ack.getByTestId('ceremony-ack-name').fill(name);
    await ack.getByTestId('ceremony-ack-submit').click();
    await expect.poll(() => ack.getAttribute('data-state')).toBe('signed');
    names.push(name);
  }
  return names;
}

/** The password field the run shows at the step that needs a secret: who is asked, and what. */
export async function answerSecret(page: Page, secret: string, shot?: () => Promise<void>): Promise<{ who: string; what: string; kind: string; step: string }> {
  const prompt = page.getByTestId('ceremony-secret');
  await prompt.waitFor({ timeout: 20_000 });
  const asked = {
    who: (await page.getByTestId('ceremony-secret-who').textContent())!,
    what: (await page.getByTestId('ceremony-secret-what').textContent())!,
    kind: (await prompt.getAttribute('data-kind'))!,
    step: (await prompt.getAttribute('data-step'))!,
  };
  const input = page.getByTestId('ceremony-secret-input');
  await input.fill(secret);
  if (shot) await shot();
  await page.getByTestId('ceremony-secret-submit').click();
  await expect.poll(() => page.getByTestId('ceremony-secret').count(), { timeout: 20_000 }).toBe(0);
  return asked;
}

/** The transcript's records, one canonical-JSON object a line. */
export function records(jsonl: string): { type: string; [k: string]: unknown }[] {
  return jsonl
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { type: string });
}

/** Every file a ceremony wrote under its output folder, subfolders included. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
