import { useState, type FormEvent } from 'react';
import type { Input, StationBatchView } from '../../../preload/api.js';

interface Props {
  batches: readonly StationBatchView[] | null;
  selected: string | null;
  onSelect: (id: string | null) => void;
  operator: string;
  onCreate: (req: Input<'station.createBatch'>) => Promise<StationBatchView | null>;
  disabled: boolean;
}

/** Pick an open work order, or open a new one from a product policy and a plan on this station's disk. */
export function WorkOrderPicker({ batches, selected, onSelect, operator, onCreate, disabled }: Props) {
  const [creating, setCreating] = useState(false);
  return (
    <div className="station-panel" aria-label="Work order">
      <div className="field">
        <label className="field__label" htmlFor="station-batch">
          Work order
        </label>
        <select
          id="station-batch"
          className="select"
          data-testid="station-batch-select"
          value={selected ?? ''}
          disabled={disabled}
          onChange={(e) => onSelect(e.target.value === '' ? null : e.target.value)}
        >
          <option value="">{batches === null ? 'Loading…' : batches.length === 0 ? 'No open work orders' : 'Choose…'}</option>
          {(batches ?? []).map((b) => (
            <option key={b.id} value={b.id}>
              {b.id} — {b.model}, {b.counts.confirmed}/{b.quantity} done
            </option>
          ))}
        </select>
        <button type="button" className="button" data-testid="station-new-batch" disabled={disabled} onClick={() => setCreating((c) => !c)}>
          {creating ? 'Cancel' : 'New work order…'}
        </button>
      </div>
      {creating ? (
        <NewWorkOrderForm
          operator={operator}
          onCreate={async (req) => {
            const batch = await onCreate(req);
            if (batch !== null) {
              setCreating(false);
              onSelect(batch.id);
            }
          }}
        />
      ) : null}
    </div>
  );
}

function NewWorkOrderForm({ operator, onCreate }: { operator: string; onCreate: (req: Input<'station.createBatch'>) => Promise<void> }) {
  const [policyPath, setPolicyPath] = useState('');
  const [planKind, setPlanKind] = useState<'range' | 'csv'>('range');
  const [plan, setPlan] = useState('');
  const [quantity, setQuantity] = useState('');
  const [id, setId] = useState('');
  const qty = Number(quantity);
  const ready = operator.trim() !== '' && policyPath.trim() !== '' && plan.trim() !== '' && Number.isInteger(qty) && qty >= 1;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    void onCreate({
      policyPath: policyPath.trim(),
      quantity: qty,
      plan: planKind === 'range' ? { kind: 'range', range: plan.trim() } : { kind: 'csv', path: plan.trim() },
      operator,
      ...(id.trim() !== '' ? { id: id.trim() } : {}),
    });
  };

  return (
    <form className="station-form" onSubmit={submit} aria-label="New work order">
      <label className="station-form__row">
        <span className="field__label">Product policy file</span>
        <input
          className="input input--wide"
          data-testid="station-policy-path"
          value={policyPath}
          placeholder="/path/to/product.policy.yaml"
          onChange={(e) => setPolicyPath(e.target.value)}
        />
      </label>
      <label className="station-form__row">
        <span className="field__label">Plan</span>
        <select
          className="select select--narrow"
          data-testid="station-plan-kind"
          value={planKind}
          onChange={(e) => setPlanKind(e.target.value === 'csv' ? 'csv' : 'range')}
        >
          <option value="range">Serial range</option>
          <option value="csv">CSV file</option>
        </select>
        <input
          className="input input--wide"
          data-testid="station-plan-value"
          value={plan}
          placeholder={planKind === 'range' ? 'HM-SIM1-0001..HM-SIM1-0500' : '/path/to/plan.csv'}
          onChange={(e) => setPlan(e.target.value)}
        />
      </label>
      <label className="station-form__row">
        <span className="field__label">Quantity</span>
        <input
          className="input input--narrow"
          data-testid="station-quantity"
          inputMode="numeric"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
        />
        <span className="field__label">Id (optional)</span>
        <input className="input input--narrow" data-testid="station-batch-id" value={id} onChange={(e) => setId(e.target.value)} />
      </label>
      <div className="station-form__row">
        <button type="submit" className="button button--primary" data-testid="station-create-batch" disabled={!ready}>
          Open work order
        </button>
        {operator.trim() === '' ? <span className="hint">Enter the operator name first: the work order is recorded under it.</span> : null}
      </div>
    </form>
  );
}
