import type { Workspace } from './workspace.js';

/** A Matter work order's Certification Declaration (schema 13). */
export interface MatterDeclarationRow {
  readonly batchId: string;
  readonly cd: Buffer;
  readonly cdSha256: string;
  readonly vendorId: string;
  readonly productIds: readonly string[];
  readonly certificateId: string;
  readonly createdAt: string;
}

export type FactoryDataState = 'committed' | 'written' | 'abandoned';

/** One device's factory data as recorded: never the passcode. */
export interface MatterFactoryRow {
  readonly id: number;
  readonly batchId: string;
  readonly deviceId: number;
  readonly certificateId: number;
  readonly discriminator: number;
  readonly iterations: number;
  readonly salt: Buffer;
  readonly verifier: Buffer;
  readonly verifierSha256: string;
  readonly rotatingIdUniqueId: Buffer;
  readonly cdSha256: string;
  readonly labelPath: string;
  readonly state: FactoryDataState;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewMatterFactoryRow = Omit<MatterFactoryRow, 'id' | 'state' | 'updatedAt'>;

const FACTORY_COLUMNS = `id, batch_id AS batchId, device_id AS deviceId, certificate_id AS certificateId, discriminator, iterations, salt, verifier,
  verifier_sha256 AS verifierSha256, rotating_id_unique_id AS rotatingIdUniqueId, cd_sha256 AS cdSha256, label_path AS labelPath, state,
  created_at AS createdAt, updated_at AS updatedAt`;

/** The Matter tables; callers write inside Workspace.transact() with their audit entries. */
export class MatterFactoryRepository {
  constructor(private readonly ws: Workspace) {}

  insertDeclaration(d: MatterDeclarationRow): void {
    this.ws.db
      .prepare('INSERT INTO matter_declarations (batch_id, cd, cd_sha256, vendor_id, product_ids, certificate_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.batchId, d.cd, d.cdSha256, d.vendorId, JSON.stringify(d.productIds), d.certificateId, d.createdAt);
  }

  declaration(batchId: string): MatterDeclarationRow | undefined {
    const r = this.ws.db
      .prepare(
        'SELECT batch_id AS batchId, cd, cd_sha256 AS cdSha256, vendor_id AS vendorId, product_ids AS productIds, certificate_id AS certificateId, created_at AS createdAt FROM matter_declarations WHERE batch_id = ?',
      )
      .get(batchId) as (Omit<MatterDeclarationRow, 'productIds'> & { productIds: string }) | undefined;
    return r === undefined ? undefined : { ...r, productIds: JSON.parse(r.productIds) as string[] };
  }

  insertCommitted(r: NewMatterFactoryRow): MatterFactoryRow {
    const info = this.ws.db
      .prepare(
        `INSERT INTO matter_factory_data (batch_id, device_id, certificate_id, discriminator, iterations, salt, verifier, verifier_sha256, rotating_id_unique_id, cd_sha256, label_path, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?)`,
      )
      .run(
        r.batchId,
        r.deviceId,
        r.certificateId,
        r.discriminator,
        r.iterations,
        r.salt,
        r.verifier,
        r.verifierSha256,
        r.rotatingIdUniqueId,
        r.cdSha256,
        r.labelPath,
        r.createdAt,
        r.createdAt,
      );
    return this.byId(Number(info.lastInsertRowid))!;
  }

  setState(id: number, state: 'written' | 'abandoned', at: string): void {
    this.ws.db.prepare('UPDATE matter_factory_data SET state = ?, updated_at = ? WHERE id = ?').run(state, at, id);
  }

  byId(id: number): MatterFactoryRow | undefined {
    return this.ws.db.prepare(`SELECT ${FACTORY_COLUMNS} FROM matter_factory_data WHERE id = ?`).get(id) as MatterFactoryRow | undefined;
  }

  /** The device's factory data that is not abandoned (committed or written), if any. */
  live(deviceId: number): MatterFactoryRow | undefined {
    return this.ws.db.prepare(`SELECT ${FACTORY_COLUMNS} FROM matter_factory_data WHERE device_id = ? AND state <> 'abandoned'`).get(deviceId) as
      MatterFactoryRow | undefined;
  }

  /** Every device's live factory data of a work order, by device id (for its manifest). */
  liveOfBatch(batchId: string): Map<number, MatterFactoryRow> {
    const rows = this.ws.db
      .prepare(`SELECT ${FACTORY_COLUMNS} FROM matter_factory_data WHERE batch_id = ? AND state <> 'abandoned'`)
      .all(batchId) as MatterFactoryRow[];
    return new Map(rows.map((r) => [r.deviceId, r]));
  }
}
