import { useState, type FormEvent } from 'react';
import type { InventoryImportResultView } from '../../../preload/api.js';

interface Props {
  onImport: (req: { dirs: string[]; trustPem: string; operator: string }) => Promise<InventoryImportResultView[] | null>;
}

/** Folders one per line; each is verified (every check must pass) and imported or refused on its own. */
export function ImportForm({ onImport }: Props) {
  const [dirs, setDirs] = useState('');
  const [trust, setTrust] = useState('');
  const [operator, setOperator] = useState('');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<InventoryImportResultView[] | null>(null);
  const list = dirs.split(/\r?\n/).map((d) => d.trim()).filter(Boolean);
  const ready = list.length > 0 && list.length <= 64 && trust.trim() !== '' && operator.trim() !== '' && !busy;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    setBusy(true);
    try {
      setResults(await onImport({ dirs: list, trustPem: trust.trim(), operator: operator.trim() }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inventory-import" data-testid="inventory-import" onSubmit={submit} aria-label="Import manifests">
      <label className="field inventory-import__dirs" htmlFor="inventory-import-dirs">
        <span className="field__label">Manifest folders (one per line)</span>
        <textarea id="inventory-import-dirs" className="input textarea" rows={2} data-testid="inventory-import-dirs" value={dirs} onChange={(e) => setDirs(e.target.value)} spellCheck={false} />
      </label>
      <div className="inventory-import__side">
        <label className="field" htmlFor="inventory-import-trust">
          <span className="field__label">Trusted root (PEM)</span>
          <input id="inventory-import-trust" className="input" data-testid="inventory-import-trust" value={trust} onChange={(e) => setTrust(e.target.value)} spellCheck={false} />
        </label>
        <label className="field" htmlFor="inventory-import-operator">
          <span className="field__label">Operator</span>
          <input id="inventory-import-operator" className="input input--narrow" data-testid="inventory-import-operator" value={operator} onChange={(e) => setOperator(e.target.value)} />
        </label>
        <button type="submit" className="button button--primary" data-testid="inventory-import-submit" disabled={!ready}>
          {busy ? 'Verifying and importing…' : 'Verify and import'}
        </button>
      </div>
      {results ? (
        <ul className="import-results" data-testid="inventory-import-results">
          {results.map((r) => (
            <li key={r.folder} className={r.ok ? 'import-results__ok' : 'import-results__bad'} data-testid="inventory-import-result" data-state={r.ok ? 'ok' : 'refused'}>
              <span className="mono">{r.folder}</span>:{' '}
              {r.ok
                ? r.created
                  ? `imported work order ${r.batchId} #${r.sequence} — ${r.entries} entries, ${r.added} added, ${r.unchanged} unchanged, ${r.retired} retired`
                  : `work order ${r.batchId} #${r.sequence} was imported before — nothing changed`
                : `refused — ${r.code}: ${r.message}`}
              {r.ok && r.created && r.notes.length ? <span className="hint"> ({r.notes.join('; ')})</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
