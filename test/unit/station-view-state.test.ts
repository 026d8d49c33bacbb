import { describe, expect, it } from 'vitest';
import type { PortTileView, StationEventView, StationLogEntryView, StationRunView, StationStatusView } from '../../preload/api.js';
import { eventText, portLabel } from '../../renderer/src/station/event-text.js';
import { startBlocker } from '../../renderer/src/station/start-blocker.js';
import { applyEvent, EMPTY_VIEW, idleTile, mergeRecent, reconcile, tilesToShow } from '../../renderer/src/station/station-view-state.js';
import { completedStages, STAGES, stageStates } from '../../renderer/src/station/step-progress.js';

const tile = (port: string, over: Partial<PortTileView> = {}): PortTileView => ({
  ...idleTile(port),
  state: 'running',
  attempt: 1,
  updatedAt: '2030-01-01T00:00:00.000Z',
  ...over,
});
const entry = (seq: number, over: Partial<StationLogEntryView> = {}): StationLogEntryView => ({
  seq,
  time: '2030-01-01T00:00:00.000Z',
  kind: 'step',
  port: null,
  serial: null,
  step: null,
  result: null,
  code: null,
  text: null,
  ...over,
});
const run = (over: Partial<StationRunView> = {}): StationRunView => ({
  runId: 'r1',
  batchId: 'WO-1',
  operator: 'anna',
  phase: 'running',
  startedAt: '2030-01-01T00:00:00.000Z',
  finishedAt: null,
  stopReason: null,
  ports: [tile('/dev/a'), tile('/dev/b')],
  throughputPerMinute: null,
  ...over,
});
const counts = { planned: 16, quantity: 10, issued: 1, devicesIssued: 1, confirmed: 1, failed: 0, refused: 0, reworked: 0, remaining: 9 };
const event = (over: Partial<StationEventView> = {}): StationEventView => ({
  runId: 'r1',
  batchId: 'WO-1',
  phase: 'running',
  entry: null,
  tile: null,
  counts: null,
  throughputPerMinute: null,
  ...over,
});

describe('step progress', () => {
  it('maps the station progress (0–7) onto the nine stages', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(completedStages)).toEqual([0, 1, 2, 3, 4, 5, 7, 9]);
    expect(completedStages(-3)).toBe(0);
    expect(completedStages(42)).toBe(9);
    expect(STAGES).toHaveLength(9);
  });

  it('marks the next stage current while running, failed where it failed, all done when done', () => {
    expect(stageStates({ state: 'running', progress: 2 })).toEqual([
      'done',
      'done',
      'current',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    // A readback failure after issuing: write is where it failed.
    expect(stageStates({ state: 'failed', progress: 5 })).toEqual(['done', 'done', 'done', 'done', 'done', 'failed', 'pending', 'pending', 'pending']);
    expect(stageStates({ state: 'done', progress: 0 }).every((s) => s === 'done')).toBe(true);
    expect(stageStates({ state: 'idle', progress: 0 }).every((s) => s === 'pending')).toBe(true);
  });
});

describe('station view state', () => {
  it('updates a tile, the list and the counters of the batch on screen from an event', () => {
    const state = { ...EMPTY_VIEW, run: run() };
    const next = applyEvent(state, event({ tile: tile('/dev/b', { state: 'done', serial: 'S2' }), entry: entry(5), counts }), 'WO-1');
    expect(next.run!.ports.map((t) => t.state)).toEqual(['running', 'done']);
    expect(next.recent.map((e) => e.seq)).toEqual([5]);
    expect(next.counts).toEqual(counts);
    // Counters of another batch than the one shown are not taken.
    expect(applyEvent(state, event({ counts }), 'WO-2').counts).toBeNull();
  });

  it('asks for a snapshot when an event names a run it does not know', () => {
    const next = applyEvent(EMPTY_VIEW, event({ runId: 'other', entry: entry(1) }), 'WO-1');
    expect(next.stale).toBe(true);
    expect(next.recent).toHaveLength(1);
    const status: StationStatusView = { run: run({ runId: 'other' }), counts, recent: [entry(1), entry(2)] };
    const reconciled = reconcile(next, status);
    expect(reconciled.stale).toBe(false);
    expect(reconciled.run!.runId).toBe('other');
    expect(reconciled.recent.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('keeps a tile newer than the snapshot (an event that overtook the response) and never un-finishes a run', () => {
    const mine = run({ phase: 'finished', ports: [tile('/dev/a', { state: 'done', updatedAt: '2030-01-01T00:00:05.000Z' }), tile('/dev/b')] });
    const snapshot = run({
      ports: [tile('/dev/a', { updatedAt: '2030-01-01T00:00:01.000Z' }), tile('/dev/b', { state: 'failed', updatedAt: '2030-01-01T00:00:02.000Z' })],
    });
    const next = reconcile({ ...EMPTY_VIEW, run: mine }, { run: snapshot, counts: null, recent: [] });
    expect(next.run!.ports.map((t) => t.state)).toEqual(['done', 'failed']);
    expect(next.run!.phase).toBe('finished');
  });

  it('merges event lists by seq, oldest first, keeping the newest 100', () => {
    const a = Array.from({ length: 80 }, (_, i) => entry(i + 1));
    const b = Array.from({ length: 80 }, (_, i) => entry(i + 41));
    const merged = mergeRecent(a, b);
    expect(merged).toHaveLength(100);
    expect(merged[0]!.seq).toBe(21);
    expect(merged.at(-1)!.seq).toBe(120);
  });

  it("shows a live run's ports, otherwise the chosen ports with their last result", () => {
    const live = run();
    expect(tilesToShow(live, ['/dev/z']).map((t) => t.port)).toEqual(['/dev/a', '/dev/b']);
    const finished = run({ phase: 'finished', ports: [tile('/dev/a', { state: 'done' })] });
    expect(tilesToShow(finished, ['/dev/a', '/dev/c']).map((t) => `${t.port}:${t.state}`)).toEqual(['/dev/a:done', '/dev/c:idle']);
    expect(tilesToShow(null, [])).toEqual([]);
  });
});

describe('start blocker and event text', () => {
  it('names the first thing missing before a start', () => {
    const ready = { batchId: 'WO-1', operator: 'anna', ports: ['/dev/a'], secret: 'pw', live: false };
    expect(startBlocker(ready)).toBeNull();
    expect(startBlocker({ ...ready, batchId: null })).toMatch(/work order/);
    expect(startBlocker({ ...ready, operator: '   ' })).toMatch(/operator/);
    expect(startBlocker({ ...ready, ports: [] })).toMatch(/port/);
    expect(startBlocker({ ...ready, secret: '' })).toMatch(/passphrase/);
    expect(startBlocker({ ...ready, live: true })).toMatch(/running/);
  });

  it('words events for the list', () => {
    expect(eventText(entry(1, { kind: 'step', step: 'chain-written' }))).toBe('certificates written and read back');
    expect(eventText(entry(1, { kind: 'device', result: 'failed', code: 'DEVICE_READBACK_MISMATCH' }))).toMatch(/^Failed: The device stored/);
    expect(eventText(entry(1, { kind: 'device', result: 'done' }))).toBe('Done');
    expect(eventText(entry(1, { kind: 'retry', code: 'LINK_TIMEOUT', text: 'attempt 2' }))).toMatch(/attempt 2.*stopped answering/);
    expect(eventText(entry(1, { kind: 'finished' }))).toBe('Run finished');
    expect(portLabel('/tmp/hallmark-sim-x/station-3')).toBe('station-3');
    expect(portLabel('COM4')).toBe('COM4');
  });
});
