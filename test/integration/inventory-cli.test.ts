import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/store/workspace.js';
import { closedBatch, exportTo, manifestWorkspace } from '../support/manifest-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-inventory-cli-');
const factory = join(tmp.path, 'factory', 'ws');
const inventory = join(tmp.path, 'inventory');
const dir1 = join(tmp.path, 'out-1');
const dir2 = join(tmp.path, 'out-2');
let rootPem: string;
const at =
  (home: string) =>
  (...args: string[]) =>
    runCli(['--home', home, '--actor', 'clerk', ...args]);
const inv = at(inventory);
const fac = at(factory);

beforeAll(async () => {
  const m = await manifestWorkspace(join(tmp.path, 'factory'));
  await closedBatch(m, 'WO-C1', '000');
  await closedBatch(m, 'WO-C2', '010');
  await exportTo(m, 'WO-C1', dir1);
  await exportTo(m, 'WO-C2', dir2);
  m.ws.close();
  rootPem = m.rootPem;
  Workspace.init(inventory, 'custodian').workspace.close();
}, 60_000);

afterAll(() => tmp.dispose());

describe('hallmark inventory (CLI)', () => {
  it('import → receipt → ack at the factory → batches; re-import unchanged; tampered refused; search', async () => {
    const receipt = join(tmp.path, 'WO-C1.receipt.json');
    const first = await inv('inventory', 'import', dir1, '--trust', rootPem, '--receipt', receipt);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/work order WO-C1 .*: imported — 7 entries, 6 certificate\(s\) added, 0 unchanged, 0 retired/);
    expect(JSON.parse(readFileSync(receipt, 'utf8'))).toMatchObject({ format: 'hallmark-manifest-receipt', batch: 'WO-C1', sequence: 1, counts: { added: 6 } });

    const again = await inv('inventory', 'import', dir1, '--trust', rootPem, '--receipt', receipt);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/INVENTORY_RECEIPT_EXISTS/);
    const twice = await inv('--json', 'inventory', 'import', dir1, '--trust', rootPem);
    expect(twice.code).toBe(0);
    expect((JSON.parse(twice.stdout) as { imported: unknown[] }).imported[0]).toMatchObject({ created: false, manifest: { added: 6 } });

    const bad = join(tmp.path, 'tampered');
    cpSync(dir2, bad, { recursive: true });
    const json = readFileSync(join(bad, 'manifest.json'));
    json[10] = json[10]! ^ 0x01;
    writeFileSync(join(bad, 'manifest.json'), json);
    const refused = await inv('inventory', 'import', bad, dir2, '--trust', rootPem);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tampered: INVENTORY_VERIFY_FAILED: .*cms\.signature/);
    expect(refused.stderr).toMatch(/INVENTORY_IMPORT_FAILED|INVENTORY_VERIFY_FAILED/);
    expect(refused.stdout).toMatch(/work order WO-C2 .*: imported/);

    const ack = await fac('inventory', 'ack', receipt);
    expect(ack.stderr).toBe('');
    expect(ack.stdout).toMatch(/work order WO-C1: manifest [0-9a-f]{64} acknowledged by inventory/);
    const batches = JSON.parse((await fac('--json', 'inventory', 'batches')).stdout) as { exported: { batchId: string; status: string }[] };
    expect(batches.exported.map((b) => `${b.batchId}:${b.status}`)).toEqual(['WO-C1:acknowledged', 'WO-C2:exported']);
    const imported = JSON.parse((await inv('--json', 'inventory', 'batches')).stdout) as { imported: { batchId: string; entries: number }[] };
    expect(imported.imported.map((b) => `${b.batchId}:${b.entries}`)).toEqual(['WO-C1:7', 'WO-C2:7']);

    const found = JSON.parse((await inv('--json', 'inventory', 'search', '--serial', 'HM-SIM1-0004')).stdout) as {
      status: string;
      certificateSha256: string;
    }[];
    expect(found.map((d) => d.status)).toEqual(['superseded', 'confirmed']);
    const byFp = await inv('inventory', 'search', '--fingerprint', found[1]!.certificateSha256.toUpperCase());
    expect(byFp.stdout).toMatch(/HM-SIM1-0004 {2}SIM1 {2}confirmed {2}WO-C1/);
    const byBatch = JSON.parse((await inv('--json', 'inventory', 'search', '--batch', 'WO-C2', '--status', 'confirmed', '--limit', '3')).stdout);
    expect(byBatch).toHaveLength(3);
    const badStatus = await inv('inventory', 'search', '--status', 'lost');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/INVENTORY_SEARCH_INVALID/);
  }, 30_000);
});
