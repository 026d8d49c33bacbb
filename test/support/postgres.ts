import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The unprivileged account a root test run hands the cluster to (PostgreSQL refuses to run as root). */
const NOBODY = 65534;
/** initdb's superuser; local connections as it are trusted, every other role needs its password. */
export const PG_SUPERUSER = 'hallmark';

export interface PgCluster {
  /** the Unix socket directory (also the cluster's root: data/ and the server log are inside) */
  readonly socketDir: string;
  /** a postgres:// URL for a database over the socket (no TCP listener exists) */
  url(database: string, auth?: { user: string; password?: string }): string;
  /** a fresh, empty database; returns its URL (as the superuser) */
  createDatabase(name: string): Promise<string>;
  /** SQL as the superuser against a database (setup and tampering, the way a DBA would) */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(database: string, text: string, args?: unknown[]): Promise<R[]>;
  /** stops the server: `immediate` is a crash (every backend killed, no checkpoint), `fast` a clean shutdown */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** stops the server and removes the directory */
  dispose(): Promise<void>;
}

/** PostgreSQL's server binaries (Debian: /usr/lib/postgresql/<major>/bin), the newest major first; null if none. */
export function postgresBinDir(): string | null {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(base, d, 'bin', 'pg_ctl')) && existsSync(join(base, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(base, majors[0], 'bin') : null;
}

/**
 * Whether PostgreSQL tests run: true when the server binaries are installed. Under CI
 * (CI=true) a missing PostgreSQL is a failure, never a skip: CI installs `postgresql`.
 */
export function postgresAvailable(): boolean {
  if (postgresBinDir() !== null) return true;
  if (process.env.CI === 'true')
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin, and CI=true: install the Debian package `postgresql` (see .ci/run)');
  return false;
}

/** How to run a server binary: as is for a normal user; as `nobody` (setpriv, else runuser) for root. */
function asServerUser(): { prefix: string[]; uid: number | null } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [], uid: null };
  for (const setpriv of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (existsSync(setpriv)) return { prefix: [setpriv, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'], uid: NOBODY };
  }
  for (const runuser of ['/usr/sbin/runuser', '/sbin/runuser']) {
    if (existsSync(runuser)) return { prefix: [runuser, '-u', 'nobody', '--'], uid: NOBODY };
  }
  throw new Error('running as root, and neither setpriv nor runuser is installed to start PostgreSQL as nobody');
}

/** A directory the server user can reach: the OS temp dir if every parent lets others through, else /tmp. Short, for the socket path limit (107 bytes). */
function clusterRoot(): string {
  const base = tmpdir();
  let ok = true;
  for (let p = base; p !== '/'; p = join(p, '..')) {
    try {
      if ((statSync(p).mode & 0o001) === 0) ok = false;
    } catch {
      ok = false;
    }
  }
  return mkdtempSync(join(ok && base.length < 60 ? base : '/tmp', 'hm-pg-'));
}

/**
 * Starts a throwaway PostgreSQL cluster: `initdb` into a temp dir owned by the server
 * user, `pg_ctl start` listening on a Unix socket in that dir only (listen_addresses='').
 * Durability is traded for speed (fsync off): a crash of the *server* (stop('immediate'))
 * still recovers from WAL; only an OS crash would lose data, and the dir is thrown away.
 */
export async function startPostgres(opts: { settings?: Readonly<Record<string, string>> } = {}): Promise<PgCluster> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl)');
  const { prefix, uid } = asServerUser();
  const dir = clusterRoot();
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (uid !== null) chownSync(dir, uid, uid);
  const exec = async (tool: string, args: string[]) => {
    const [cmd, ...rest] = [...prefix, join(bin, tool), ...args];
    try {
      return await run(cmd!, rest, { cwd: dir, timeout: 60_000, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
    } catch (e) {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
      throw new Error(`${tool} ${args.join(' ')} failed: ${(e as Error).message}\n${tail}`, { cause: e });
    }
  };

  try {
    await exec('initdb', ['-D', data, '-U', PG_SUPERUSER, '--auth-local=trust', '--auth-host=reject', '-E', 'UTF8', '--no-locale', '--no-sync']);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  // The superuser over the socket is trusted; every other role proves its password.
  const hba = join(data, 'pg_hba.conf');
  writeFileSync(hba, `local all ${PG_SUPERUSER} trust\nlocal all all scram-sha-256\n`);
  if (uid !== null) chownSync(hba, uid, uid);

  const options = [
    "-c listen_addresses=''",
    `-c unix_socket_directories='${dir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=60',
    '-c shared_buffers=64MB',
    // the benchmarks size the server like one (shared_buffers, max_wal_size…); later settings win
    ...Object.entries(opts.settings ?? {}).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  let running = false;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  try {
    await start();
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }

  const url = (database: string, auth?: { user: string; password?: string }) => {
    const who = auth ? `${encodeURIComponent(auth.user)}${auth.password !== undefined ? `:${encodeURIComponent(auth.password)}` : ''}@` : `${PG_SUPERUSER}@`;
    return `postgres://${who}/${encodeURIComponent(database)}?host=${encodeURIComponent(dir)}`;
  };
  const sql = async <R extends pg.QueryResultRow>(database: string, text: string, args: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, args)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    socketDir: dir,
    url,
    sql,
    async createDatabase(name: string) {
      await sql('postgres', `CREATE DATABASE "${name.replace(/"/g, '')}"`);
      return url(name);
    },
    stop,
    start,
    async dispose() {
      try {
        await stop('fast');
      } catch {
        await stop('immediate').catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
