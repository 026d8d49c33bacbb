import { userInfo } from 'node:os';
import { resolveWorkspaceHome } from '../store/workspace-home.js';
import { Workspace } from '../store/workspace.js';

/** Options every command understands (declared once on the root program). */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
  debug?: boolean;
  actor?: string;
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** stderr is a person's terminal: an error is followed by its remedy (scripts see one line) */
  errIsTerminal?: boolean;
}

export class CliContext {
  constructor(
    readonly options: GlobalOptions,
    readonly io: CliIo,
  ) {}

  get home(): string {
    return resolveWorkspaceHome(this.options.home, this.io.env);
  }

  /** Who the audit log names: --actor, else HALLMARK_ACTOR, else the OS user. */
  get actor(): string {
    if (this.options.actor) return this.options.actor;
    if (this.io.env.HALLMARK_ACTOR) return this.io.env.HALLMARK_ACTOR;
    try {
      return userInfo().username || 'unknown';
    } catch {
      return 'unknown';
    }
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** Opens the workspace for the duration of `fn` and always closes it. */
  async withWorkspace<T>(fn: (ws: Workspace) => T | Promise<T>): Promise<T> {
    const ws = Workspace.open(this.home, this.actor);
    try {
      return await fn(ws);
    } finally {
      ws.close();
    }
  }

  printJson(value: unknown): void {
    this.io.out(`${JSON.stringify(value, null, 2)}\n`);
  }
}
