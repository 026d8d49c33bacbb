import { execFile, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A CSR corpus made at test time by the real CSR writers Debian ships: mbedTLS and wolfSSL
 * (C programs in csr-writers/, compiled with gcc against libmbedtls-dev / libwolfssl-dev),
 * Go's crypto/x509, `openssl req -new`, GnuTLS `certtool --generate-request` and
 * python3-cryptography. Nothing binary is committed: the writers' sources are, and each
 * test file compiles and runs them in its own temp directory.
 *
 * A writer whose tool is missing fails the test file under CI=true; elsewhere it is
 * skipped with a message (`missingWriters()` says which and why).
 */

export const CORPUS_WRITERS = ['mbedtls', 'wolfssl', 'go', 'openssl', 'certtool', 'pyca'] as const;
export type CorpusWriter = (typeof CORPUS_WRITERS)[number];

export interface CorpusCsr {
  readonly writer: CorpusWriter;
  /** what was asked of the writer, e.g. 'p256', 'p256-v2' */
  readonly label: string;
  readonly der: Buffer;
}

export interface WriterCorpus {
  readonly entries: CorpusCsr[];
  /** the version each writer reported (library version, not the tool's package version) */
  readonly versions: Partial<Record<CorpusWriter, string>>;
  get(writer: CorpusWriter, label: string): CorpusCsr;
}

const WRITERS_DIR = fileURLToPath(new URL('./csr-writers/', import.meta.url));
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

function onPath(tool: string): boolean {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d === '') continue;
    try {
      accessSync(join(d, tool), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function pycaMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found: install the Debian package python3-cryptography`;
  // The import is what matters: the python3 on PATH may be another one, without it.
  const r = spawnSync(PYTHON, ['-c', 'import cryptography'], { stdio: 'pipe' });
  return r.status === 0 ? null : `${PYTHON} cannot import cryptography: install the Debian package python3-cryptography`;
}

/** Why each writer cannot run here (an empty object when all can). Cheap: no process but one python probe. */
function probeWriters(): Partial<Record<CorpusWriter, string>> {
  const missing: Partial<Record<CorpusWriter, string>> = {};
  const gcc = onPath('gcc') ? null : 'gcc not found: install the Debian package gcc';
  const mbed = gcc ?? (existsSync('/usr/include/mbedtls/x509_csr.h') ? null : 'mbedtls/x509_csr.h not found: install the Debian package libmbedtls-dev');
  const wolf = gcc ?? (existsSync('/usr/include/wolfssl/options.h') ? null : 'wolfssl/options.h not found: install the Debian package libwolfssl-dev');
  if (mbed) missing.mbedtls = mbed;
  if (wolf) missing.wolfssl = wolf;
  if (!onPath('go')) missing.go = 'go not found: install the Debian package golang-go';
  if (!onPath('openssl')) missing.openssl = 'openssl not found: install the Debian package openssl';
  if (!onPath('certtool')) missing.certtool = 'certtool not found: install the Debian package gnutls-bin';
  const py = pycaMissing();
  if (py) missing.pyca = py;
  return missing;
}

let probed: Partial<Record<CorpusWriter, string>> | undefined;

/**
 * The writers that cannot run here, with the reason. Under CI=true any missing writer
 * throws instead: a CI run never silently skips part of the corpus.
 */
export function missingWriters(): Partial<Record<CorpusWriter, string>> {
  probed ??= probeWriters();
  const reasons = Object.entries(probed);
  if (reasons.length > 0 && process.env.CI === 'true') {
    throw new Error(`CSR writer corpus: CI=true and ${reasons.map(([w, why]) => `${w}: ${why}`).join('; ')}`);
  }
  return probed;
}

/**
 * Builds every available writer in `dir` and runs it; returns the CSRs (DER) it wrote.
 * Writers run concurrently (a few seconds in all, most of it `go build` with a cold cache).
 */
export async function buildWriterCorpus(dir: string): Promise<WriterCorpus> {
  const missing = missingWriters();
  const jobs: Record<CorpusWriter, (out: string) => Promise<string>> = {
    mbedtls: (out) => compileAndRun(dir, 'mbedtls-csr.c', ['-lmbedtls', '-lmbedx509', '-lmbedcrypto'], out),
    wolfssl: (out) => compileAndRun(dir, 'wolfssl-csr.c', ['-lwolfssl'], out),
    go: (out) => goBuildAndRun(dir, out),
    openssl: (out) => opensslWriter(out),
    certtool: (out) => certtoolWriter(out),
    pyca: async (out) => (await run(PYTHON, [join(WRITERS_DIR, 'pyca-csr.py'), out])).stdout,
  };
  const versions: Partial<Record<CorpusWriter, string>> = {};
  const entries: CorpusCsr[] = [];
  await Promise.all(
    CORPUS_WRITERS.filter((w) => missing[w] === undefined).map(async (writer) => {
      const out = join(dir, `out-${writer}`);
      mkdirSync(out);
      let printed: string;
      try {
        printed = await jobs[writer](out);
      } catch (e) {
        const err = e as Error & { stderr?: string };
        throw new Error(`CSR writer ${writer} failed: ${err.message}${err.stderr ? `\n${err.stderr}` : ''}`, { cause: e });
      }
      versions[writer] = printed.trim();
      for (const f of readdirSync(out)
        .filter((n) => n.endsWith('.der'))
        .sort()) {
        entries.push({ writer, label: f.slice(0, -'.der'.length), der: readFileSync(join(out, f)) });
      }
    }),
  );
  entries.sort((a, b) => CORPUS_WRITERS.indexOf(a.writer) - CORPUS_WRITERS.indexOf(b.writer) || a.label.localeCompare(b.label));
  return {
    entries,
    versions,
    get(writer, label) {
      const e = entries.find((x) => x.writer === writer && x.label === label);
      if (e === undefined) throw new Error(`the corpus has no ${writer}/${label} (it has ${entries.map((x) => `${x.writer}/${x.label}`).join(', ')})`);
      return e;
    },
  };
}

async function compileAndRun(dir: string, source: string, libs: string[], out: string): Promise<string> {
  const exe = join(dir, source.replace(/\.c$/, ''));
  await run('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', '-o', exe, join(WRITERS_DIR, source), ...libs]);
  return (await run(exe, [out])).stdout;
}

async function goBuildAndRun(dir: string, out: string): Promise<string> {
  const exe = join(dir, 'go-csr');
  // Offline and self-contained: GOPATH mode, no proxy, no toolchain download, caches in dir.
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    GOFLAGS: '',
    GOCACHE: join(dir, 'gocache'),
    GOPATH: join(dir, 'gopath'),
    CGO_ENABLED: '0',
  };
  await run('go', ['build', '-o', exe, join(WRITERS_DIR, 'go-csr.go')], { env });
  return (await run(exe, [out])).stdout;
}

/** openssl req -new as a device script would call it: P-256, Ed25519 and RSA-2048 keys, challengePassword, SAN and keyUsage. */
async function opensslWriter(out: string): Promise<string> {
  const cnf = join(out, 'req.cnf');
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'attributes = attrs',
      'req_extensions = ext',
      'prompt = no',
      '[dn]',
      'C = DE',
      'O = Acme',
      'CN = dev-1',
      'serialNumber = SN0001',
      '[attrs]',
      'challengePassword = 9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8',
      '[ext]',
      'subjectAltName = DNS:dev-1.example',
      'keyUsage = critical,digitalSignature',
      '',
    ].join('\n'),
  );
  const keys: [string, string[]][] = [
    ['p256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']],
    ['ed25519', ['-algorithm', 'ED25519']],
    ['rsa2048', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']],
  ];
  await Promise.all(
    keys.map(async ([label, genpkey]) => {
      const key = join(out, `${label}.key.pem`);
      await run('openssl', ['genpkey', ...genpkey, '-out', key]);
      await run('openssl', ['req', '-new', '-config', cnf, '-key', key, '-outform', 'DER', '-out', join(out, `${label}.der`)]);
    }),
  );
  return (await run('openssl', ['version'])).stdout.replace(/^OpenSSL\s+(\S+).*$/s, 'OpenSSL $1');
}

/** GnuTLS certtool --generate-request from a template, as its manual shows: P-256, challengePassword, SAN, signing_key. */
async function certtoolWriter(out: string): Promise<string> {
  const key = join(out, 'p256.key.pem');
  const tmpl = join(out, 'req.tmpl');
  writeFileSync(
    tmpl,
    [
      'country = "DE"',
      'organization = "Acme"',
      'cn = "dev-1"',
      'dn_oid = 2.5.4.5 SN0001',
      'challenge_password = "9f2c41d7e0b8a3f6c2d1e5a7b9c0f4e8"',
      'dns_name = "dev-1.example"',
      'signing_key',
      '',
    ].join('\n'),
  );
  await run('certtool', ['--generate-privkey', '--key-type=ecdsa', '--curve=secp256r1', '--no-text', '--outfile', key]);
  await run('certtool', ['--generate-request', '--load-privkey', key, '--template', tmpl, '--outder', '--outfile', join(out, 'p256.der')]);
  return (await run('certtool', ['--version'])).stdout.split('\n')[0]!.replace(/^certtool\s+/, 'GnuTLS ');
}
