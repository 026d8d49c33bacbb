import type { Input, OperationName, Output } from '../../preload/api.js';
import { listSerialPorts } from '../devices/serial/list-serial-ports.js';
import { readInputFile } from '../files/read-input-file.js';
import { MAX_POLICY_BYTES, parseProductPolicy } from '../station/parse-product-policy.js';
import { parsePlanCsv, parseSerialRange } from '../station/production-plan.js';
import { createBatch } from '../station/work-orders.js';
import { StationBatchRepository } from '../store/station-batch-repository.js';
import type { Workspace } from '../store/workspace.js';
import type { StationSession } from './station-session.js';
import { batchView } from './station-views.js';
import type { OperatorSessions } from '../operators/operator-sessions.js';
import { stationOperator } from './station-operator.js';

type StationOp = Extract<OperationName, `station.${string}`>;
export type StationHandlers = { [Op in StationOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

const MAX_PLAN_CSV_BYTES = 16 * 1024 * 1024;

/**
 * The Station section's operations. File paths come from the technician (a path on the
 * station's disk); they are read with a size bound and only ever parsed as a policy or a
 * plan. Who the audit log names: the account signed in at the caller's window once the
 * workspace has accounts, else the operator typed in the request (station-operator.ts).
 */
export function createStationHandlers(ws: Workspace, session: StationSession, operators: OperatorSessions): StationHandlers {
  return {
    'station.batches': ({ includeClosed }) => {
      const repo = new StationBatchRepository(ws);
      const rows = repo.list().filter((b) => includeClosed === true || b.status === 'open');
      return { batches: rows.map((b) => batchView(b, b.finalCounts ?? repo.counts(b.id))) };
    },
    'station.createBatch': (req, caller) => {
      // Checked before the files are read: a refusal reads nothing.
      const by = stationOperator(ws, operators, caller, req.operator, 'open a work order');
      const policy = parseProductPolicy(readInputFile(req.policyPath, MAX_POLICY_BYTES).toString('utf8'), req.policyPath);
      const plan =
        req.plan.kind === 'csv'
          ? parsePlanCsv(readInputFile(req.plan.path, MAX_PLAN_CSV_BYTES).toString('utf8'), policy.policy, req.plan.path)
          : parseSerialRange(req.plan.range, policy.policy);
      const row = createBatch(ws, {
        policy,
        plan,
        quantity: req.quantity,
        actor: by.name,
        ...(by.verified ? { operator: by.verified } : {}),
        ...(req.id !== undefined ? { id: req.id } : {}),
      });
      return batchView(row, new StationBatchRepository(ws).counts(row.id));
    },
    'station.ports': async () => ({
      ports: (await listSerialPorts()).map((p) => ({
        path: p.path,
        ...(p.manufacturer !== undefined ? { manufacturer: p.manufacturer } : {}),
        ...(p.vendorId !== undefined ? { vendorId: p.vendorId } : {}),
        ...(p.productId !== undefined ? { productId: p.productId } : {}),
        ...(p.serialNumber !== undefined ? { serialNumber: p.serialNumber } : {}),
        ...(p.location !== undefined ? { location: p.location } : {}),
      })),
    }),
    'station.start': (req, caller) => session.start({ ...req, operator: stationOperator(ws, operators, caller, req.operator, 'run the station').name }),
    'station.stop': ({ operator }, caller) => session.stop(stationOperator(ws, operators, caller, operator, 'stop the station').name),
    'station.status': ({ batchId }) => session.status(batchId),
  };
}
