import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertOutsideHome, outputFile, outputFolder, OutputPathError, withExtension } from '../../main/files/output-path.js';
import { tempDir } from '../support/temp-dir.js';

let dir: { path: string; dispose(): void };
let home: string;
beforeAll(() => {
  dir = tempDir('hallmark-output-path-');
  home = join(dir.path, 'home');
  mkdirSync(join(home, 'keys'), { recursive: true });
  mkdirSync(join(dir.path, 'usb'));
});
afterAll(() => dir.dispose());

function refusal(fn: () => unknown): OutputPathError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OutputPathError);
    return e as OutputPathError;
  }
  throw new Error('expected a refusal');
}

describe('output paths chosen for the user', () => {
  it('forces the extension', () => {
    expect(withExtension('/m/report', 'html')).toBe('/m/report.html');
    expect(withExtension('/m/report.HTML', 'html')).toBe('/m/report.HTML');
    expect(withExtension('/m/future-key.p8.pem', 'html')).toBe('/m/future-key.p8.pem.html');
    expect(outputFile(join(dir.path, 'usb', 'cal'), { extension: 'ics', home, what: 'a calendar' })).toBe(join(dir.path, 'usb', 'cal.ics'));
  });

  it('refuses a report inside keys/ (the squatted key file name), naming the path', () => {
    const e = refusal(() => outputFile(join(home, 'keys', 'future-key.p8.pem'), { extension: 'html', home, what: 'a QA report' }));
    expect(e.code).toBe('OUTPUT_INSIDE_WORKSPACE');
    expect(e.message).toContain(join(home, 'keys', 'future-key.p8.pem.html'));
  });

  it('refuses the home itself, and a path that reaches it through a symlink on the medium or ..', () => {
    expect(refusal(() => outputFolder(home, { home, what: "a ceremony's output" })).code).toBe('OUTPUT_INSIDE_WORKSPACE');
    const link = join(dir.path, 'usb', 'innocent');
    symlinkSync(join(home, 'keys'), link);
    const e = refusal(() => outputFile(join(link, 'report'), { extension: 'html', home, what: 'a QA report' }));
    expect(e.code).toBe('OUTPUT_INSIDE_WORKSPACE');
    expect(e.message).toContain('really');
    expect(refusal(() => outputFolder(join(link, 'not-yet', 'deeper'), { home, what: 'x' })).code).toBe('OUTPUT_INSIDE_WORKSPACE');
    expect(refusal(() => assertOutsideHome(join(dir.path, 'usb', '..', 'home', 'x'), home, 'x')).code).toBe('OUTPUT_INSIDE_WORKSPACE');
  });

  it('a sibling whose name starts like the home is outside it', () => {
    expect(outputFolder(`${home}-ceremony`, { home, what: 'x' })).toBe(`${home}-ceremony`);
  });
});
