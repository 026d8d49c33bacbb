import { existsSync, statSync } from 'node:fs';
import { assertOutsideHome } from '../files/output-path.js';
import { MatterError } from '../matter/matter-errors.js';
import { MatterFactoryRepository, type MatterDeclarationRow } from '../store/matter-factory-repository.js';
import type { Workspace } from '../store/workspace.js';

/** What a station run of a Matter work order holds besides the DAC issuer. */
export interface MatterRun {
  readonly vendorId: string;
  readonly productId: string;
  readonly iterations: number;
  readonly declaration: MatterDeclarationRow;
  /** where label sheets go: an existing folder outside the workspace home */
  readonly labelDir: string;
  readonly factory: MatterFactoryRepository;
}

/**
 * Checked once before any port opens: the work order's CD is recorded, and the label
 * output is an existing folder outside the workspace home (output-path rules), since
 * every device's passcode goes there and nowhere else.
 */
export function prepareMatterRun(
  ws: Workspace,
  batchId: string,
  matter: { vendorId: string; productId: string; spake2pIterations: number },
  labelDir: string | undefined,
): MatterRun {
  const factory = new MatterFactoryRepository(ws);
  const declaration = factory.declaration(batchId);
  if (declaration === undefined)
    throw new MatterError(
      'MATTER_CD_REQUIRED',
      `work order ${batchId} has no Certification Declaration recorded; a Matter work order is created with one (hallmark batch create --matter-cd FILE)`,
      'input',
    );
  if (labelDir === undefined || labelDir.trim() === '') {
    throw new MatterError(
      'MATTER_LABEL_OUTPUT_REQUIRED',
      `work order ${batchId} is a Matter work order: name the folder its label sheets go to (hallmark station run --label-dir DIR); the setup passcodes are written there and nowhere else`,
      'input',
    );
  }
  const dir = assertOutsideHome(labelDir, ws.home, 'a Matter label sheet');
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new MatterError('MATTER_LABEL_OUTPUT_REQUIRED', `the label output ${dir} is not an existing folder`, 'input', { path: dir });
  return { vendorId: matter.vendorId, productId: matter.productId, iterations: matter.spake2pIterations, declaration, labelDir: dir, factory };
}
