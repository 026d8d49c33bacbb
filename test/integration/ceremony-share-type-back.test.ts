import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, readTranscript } from '../support/transcript.js';

/**
 * A shares root whose script asks each custodian to type their share back from the
 * printed sheet (`shareCheck: type-back`), run through the real CLI on a pseudo-terminal
 * (util-linux `script`): every acknowledgment is typed, and each custodian types the
 * lines of their sheet as a person reads them off the paper — parsed out of the sheet's
 * HTML on the medium, never taken from the share file.
 */
const tmp = tempDir('hallmark-ceremony-type-back-');
const home = join(tmp.path, 'ws');
const file = fileWriter(tmp.path);
const PASS = {
  HALLMARK_PASSPHRASE_BOB: 'bob-passphrase-7a1c',
  HALLMARK_PASSPHRASE_CAROL: 'carol-passphrase-2d9e',
  HALLMARK_PASSPHRASE_ERIN: 'erin-passphrase-5f3b',
};
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian', 'Erin Custodian'];
const label = 'acme-root-shares-2026-key';
const binding = join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml');
const typeBackScript = () =>
  allowNetwork(ceremonyExample('root-shares.yaml')).replace(
    '  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\ncertificate:',
    '  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\n  shareCheck: type-back\ncertificate:',
  );
const cli = (args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args], PASS);
const hashOf = async (script: string) => {
  const r = await cli(['--json', 'ceremony', 'hash', script]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { sha256: string }).sha256;
};

/** The share text lines of a printed sheet, as the custodian reads them: body, then the boxed check characters. */
function sheetLines(path: string): string[] {
  const html = readFileSync(path, 'utf8');
  return [...html.matchAll(/<td class="line">([^<]*)<span class="check">([^<]*)<\/span><\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
}

/** One wrong character in the line's data, as a tired hand types it. */
function withTypo(line: string): string {
  const at = line.search(/[0-9A-Z]/);
  const wrong = line[at] === 'A' ? 'B' : 'A';
  return `${line.slice(0, at)}${wrong}${line.slice(at + 1)}`;
}

interface PtyRun {
  code: number;
  seen: string;
}

/**
 * Runs the CLI on a real pty and answers each prompt as it appears: names typed at
 * acknowledgments, Enter at each witness's exception question, and `typeShare` for each
 * share request (the lines, then the empty line that ends them).
 */
function runOnPty(args: string[], typeShare: (custodian: string, index: number, sheet: string, attempt: number) => string[] | 'kill'): Promise<PtyRun> {
  const cmd = [process.execPath, join(REPO_ROOT, 'bin/hallmark.mjs'), '--home', home, '--actor', 'ceremony-admin', ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HALLMARK_HOME: '', HALLMARK_ACTOR: '', ...PASS },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  let answered = 0;
  const attempts = new Map<number, number>();
  const prompts =
    / (?:administrator|custodians|witnesses) ([^:\n]+): type your name to acknowledge step "[^"]+": | witness [^:\n]+: any exception to note for step "[^"]+"\? \(Enter for none\): | custodian ([^:\n]+): type share (\d+) of \d+ from your printed sheet, line by line; an empty line ends\r?\n\s*\(sheet ([^)\r\n]+)\)/g;
  return new Promise<PtyRun>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the ceremony did not finish within 120 s; output:\n${seen}`));
    }, 120_000);
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      const found = [...seen.matchAll(prompts)];
      for (const m of found.slice(answered)) {
        answered += 1;
        if (m[1] !== undefined) child.stdin.write(`${m[1]}\r`);
        else if (m[2] !== undefined) {
          const index = Number(m[3]);
          const attempt = (attempts.get(index) ?? 0) + 1;
          attempts.set(index, attempt);
          const lines = typeShare(m[2], index, m[4]!, attempt);
          if (lines === 'kill') {
            // The power cord: the hallmark process under `script`, by its id.
            const pid = Number(
              execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
                .trim()
                .split('\n')[0],
            );
            process.kill(pid, 'SIGKILL');
            return;
          }
          child.stdin.write(`${lines.join('\r')}\r\r`);
        } else child.stdin.write('\r');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, seen });
    });
  });
}

function rows(sql: string): unknown[] {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('shares typed back from the printed sheet (shareCheck: type-back)', () => {
  beforeAll(async () => {
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
  });
  afterAll(() => {
    if (!process.env.KEEP) tmp.dispose();
  });

  it('refuses the script before anything happens when the acknowledgments come from a file: nobody could type a share back', async () => {
    const script = file('root-type-back-acks.yaml', typeBackScript());
    const out = join(tmp.path, 'out-ack-file');
    const r = await cli([
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      out,
      '--ack-file',
      join(REPO_ROOT, 'resources/ceremonies/rehearsal-shares.acks'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CEREMONY_TYPE_BACK_UNAVAILABLE: the script has each custodian type their share back/m);
    expect(existsSync(out)).toBe(false);
    expect(rows('SELECT COUNT(*) AS n FROM ceremonies')).toEqual([{ n: 0 }]);
    expect(rows('SELECT COUNT(*) AS n FROM keys')).toEqual([{ n: 0 }]);
  });

  it('has each custodian type their share from the sheet at the terminal; a typo is named by its line and retyped; every share is recorded as typed back', async () => {
    const script = file('root-type-back.yaml', typeBackScript());
    const out = join(tmp.path, 'out');
    const typed: { custodian: string; index: number; attempt: number }[] = [];
    const run = await runOnPty(
      ['ceremony', 'run', script, '--binding', binding, '--approved-binding-hash', fileSha256(binding), '--approved-hash', await hashOf(script), '--out', out],
      (custodian, index, sheet, attempt) => {
        typed.push({ custodian, index, attempt });
        const lines = sheetLines(join(out, sheet));
        expect(lines.length).toBeGreaterThan(2);
        // Bob's first try has one wrong character on line 2.
        return custodian === 'Bob Custodian' && attempt === 1 ? lines.map((l, i) => (i === 1 ? withTypo(l) : l)) : lines;
      },
    );
    expect(run.code, run.seen).toBe(0);
    // Script order, one custodian at a time, Bob twice.
    expect(typed).toEqual([
      { custodian: 'Bob Custodian', index: 1, attempt: 1 },
      { custodian: 'Bob Custodian', index: 1, attempt: 2 },
      { custodian: 'Carol Custodian', index: 2, attempt: 1 },
      { custodian: 'Erin Custodian', index: 3, attempt: 1 },
    ]);
    expect(run.seen).toMatch(/not accepted: the share text has errors: line 2 has a typo/);
    expect(run.seen).not.toMatch(/line 1 has a typo|line 3 has a typo/);

    const t = readTranscript(out);
    const action = t.of('action').find((a) => a.action === 'generate-key')!;
    const shares = (
      action.result as {
        shares: { index: number; custodian: string; typedBack?: boolean; typedBackAt?: string; typeBackAttempts?: number; shareSha256: string }[];
      }
    ).shares;
    expect(shares.map((s) => [s.custodian, s.typedBack, s.typeBackAttempts])).toEqual([
      ['Bob Custodian', true, 2],
      ['Carol Custodian', true, 1],
      ['Erin Custodian', true, 1],
    ]);
    for (const s of shares) expect(s.typedBackAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const audited = rows("SELECT actor, details FROM audit_log WHERE action = 'ceremony.share-typed-back' ORDER BY seq") as {
      actor: string;
      details: string;
    }[];
    expect(audited.map((a) => a.actor)).toEqual(CUSTODIANS);
    expect(audited.map((a) => (JSON.parse(a.details) as { shareSha256: string }).shareSha256)).toEqual(shares.map((s) => s.shareSha256));
    expect(t.of('acknowledged').every((a) => a.via === 'terminal')).toBe(true);
    expect(t.of('completed')).toHaveLength(1);
    assertMediumVerifies(out, join(out, 'acme-root-shares-2026.pem'));
    expect(readFileSync(join(out, `${label}.share-1-of-3.html`), 'utf8')).toContain('Share text');
    expect((await cli(['audit', 'verify'])).code).toBe(0);
  }, 150_000);

  it('a ceremony killed while the custodians type back is resumed with every share typed back again before the split is accepted', async () => {
    const script = file('root-type-back-kill.yaml', typeBackScript().replaceAll('acme-root-shares-2026', 'acme-root-shares-2026-k'));
    const approved = await hashOf(script);
    const out = join(tmp.path, 'out-kill');
    const args = ['ceremony', 'run', script, '--binding', binding, '--approved-binding-hash', fileSha256(binding), '--approved-hash', approved, '--out', out];
    const killed = await runOnPty(args, (custodian, index, sheet) => (custodian === 'Carol Custodian' ? 'kill' : sheetLines(join(out, sheet))));
    expect(killed.seen).toContain('custodian Carol Custodian: type share 2 of 3');
    const [open] = rows("SELECT id, status FROM ceremonies WHERE name = 'acme-root-shares-2026-k'") as { id: string; status: string }[];
    expect(open!.status).toBe('running');
    // Bob's share was typed back before the kill; the split's step did not commit.
    expect(
      (rows("SELECT actor FROM audit_log WHERE action = 'ceremony.share-typed-back' AND subject = 'acme-root-shares-2026-k'") as { actor: string }[]).map(
        (r) => r.actor,
      ),
    ).toEqual(['Bob Custodian']);

    const asked: string[] = [];
    const resumed = await runOnPty([...args, '--resume', open!.id], (custodian, _index, sheet) => {
      asked.push(custodian);
      return sheetLines(join(out, sheet));
    });
    expect(resumed.code, resumed.seen).toBe(0);
    expect(asked).toEqual(CUSTODIANS);
    const action = readTranscript(out)
      .of('action')
      .find((a) => a.action === 'generate-key')!;
    const result = action.result as { adoptedOnResume?: string; typedBack: { custodian: string; typedBack: boolean }[] };
    expect(result.adoptedOnResume).toBeDefined();
    expect(result.typedBack.map((t) => [t.custodian, t.typedBack])).toEqual(CUSTODIANS.map((c) => [c, true]));
    assertMediumVerifies(out, join(out, 'acme-root-shares-2026-k.pem'));
  }, 200_000);
});
