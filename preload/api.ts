/**
 * The one contract between the renderer and the core. The preload exposes it as
 * `window.hallmark`, main/ipc.ts binds it to the core, and the e2e test host serves it
 * over loopback. Every input has a strict zod schema (unknown keys are errors); outputs
 * are plain data described by the types below.
 *
 * This file must stay importable by the sandboxed preload and the browser: zod and
 * types only, no Node or Electron imports.
 */
import { z } from 'zod';

const auditName = z.string().min(1).max(200);

export const inputSchemas = {
  'workspace.info': z.strictObject({}),
  'audit.query': z.strictObject({
    offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(1000),
    action: auditName.optional(),
    actor: auditName.optional(),
    newestFirst: z.boolean().optional(),
  }),
  'audit.facets': z.strictObject({}),
  'audit.verify': z.strictObject({}),
} as const;

export type OperationName = keyof typeof inputSchemas;
export const OPERATION_NAMES = Object.keys(inputSchemas) as OperationName[];

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface AuditEntryView {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: { [key: string]: JsonValue };
  prevHash: string;
  hash: string;
}

export interface AuditHeadView {
  seq: number;
  hash: string;
}

export type ChainStatusView =
  | { ok: true; count: number; head: AuditHeadView | null }
  | {
      ok: false;
      count: number;
      lastGood: AuditHeadView | null;
      firstBadSeq: number | null;
      problem: string;
      message: string;
    };

export interface WorkspaceInfoView {
  home: string;
  databasePath: string;
  keysPath: string;
  schemaVersion: number;
  workspaceId: string;
  createdAt: string;
  appVersion: string;
}

export interface Outputs {
  'workspace.info': WorkspaceInfoView;
  'audit.query': { total: number; entries: AuditEntryView[] };
  'audit.facets': { actions: string[]; actors: string[] };
  'audit.verify': ChainStatusView;
}

export type Input<Op extends OperationName> = z.input<(typeof inputSchemas)[Op]>;
export type Output<Op extends OperationName> = Outputs[Op];

/** Events the core pushes to the renderer. */
export interface Events {
  'audit.appended': { seq: number; action: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['audit.appended'];

/** What crosses the boundary: never a thrown Error (Electron strips its fields), always an envelope. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** window.hallmark */
export interface HallmarkApi {
  invoke<Op extends OperationName>(op: Op, input: Input<Op>): Promise<Output<Op>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The IPC channel names; one per operation, never a generic "invoke anything" channel. */
export const channelFor = (op: OperationName): string => `hallmark:${op}`;
export const eventChannelFor = (event: EventName): string => `hallmark-event:${event}`;
