import { useState, type FormEvent } from 'react';
import type { InventoryImportResultView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { FolderDropZone } from '../components/folder-drop-zone.js';
import { useOperatorSession } from '../operators/operator-session.js';

interface Props {
  onImport: (req: { dirs: string[]; trustPem: string; operator?: string }) => Promise<InventoryImportResultView[] | null>;
  onError: (f: ApiFailure) => void;
}

const MAX_FOLDERS = 64;

/**
 * Folders one per line, typed, chosen in the folder dialog or dropped; each is verified
 * (every check must pass) and imported or refused on its own. Chosen or dropped folders
 * join the list and are imported at once when the trusted root and operator are named.
 */
export function ImportForm({ onImport, onError }: Props) {
  const [dirs, setDirs] = useState('');
  const [trust, setTrust] = useState('');
  const [operator, setOperator] = useState('');
  // Once the workspace has accounts the main process records the signed-in one: no typed field (docs/operators.md).
  const session = useOperatorSession();
  const accountMode = session.status?.accountsRequired === true;
  const named = accountMode || operator.trim() !== '';
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<InventoryImportResultView[] | null>(null);
  const list = dirs
    .split(/\r?\n/)
    .map((d) => d.trim())
    .filter(Boolean);
  const ready = list.length > 0 && list.length <= 64 && trust.trim() !== '' && named && !busy;

  const run = async (folders: string[]) => {
    setBusy(true);
    try {
      setResults(await onImport({ dirs: folders, trustPem: trust.trim(), ...(accountMode ? {} : { operator: operator.trim() }) }));
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    await run(list);
  };

  const addFolders = (chosen: string[]) => {
    const merged = [...new Set([...list, ...chosen])].slice(0, MAX_FOLDERS);
    setDirs(merged.join('\n'));
    if (trust.trim() !== '' && named && !busy) void run(merged);
  };

  const pickFolders = () => {
    invoke('dialog.openFolders', { purpose: 'manifest-import' }).then(
      // Cancel ([]) leaves the list as it was.
      ({ paths }) => {
        if (paths.length) addFolders(paths);
      },
      (e: unknown) => onError(toFailure(e)),
    );
  };

  return (
    <form className="inventory-import" data-testid="inventory-import" onSubmit={(e) => void submit(e)} aria-label="Import manifests">
      <FolderDropZone testId="inventory-import-drop" multiple onFolders={addFolders}>
        <button type="button" className="button" data-testid="inventory-import-pick" onClick={pickFolders} disabled={busy}>
          Import folders…
        </button>
        {list.length > 0 && (trust.trim() === '' || !named) ? (
          <span className="hint">
            {accountMode ? 'Name the trusted root, then Verify and import.' : 'Name the trusted root and the operator, then Verify and import.'}
          </span>
        ) : null}
      </FolderDropZone>
      <label className="field inventory-import__dirs" htmlFor="inventory-import-dirs">
        <span className="field__label">Manifest folders (one per line)</span>
        <textarea
          id="inventory-import-dirs"
          className="input textarea"
          rows={2}
          data-testid="inventory-import-dirs"
          value={dirs}
          onChange={(e) => setDirs(e.target.value)}
          spellCheck={false}
        />
      </label>
      <div className="inventory-import__side">
        <label className="field" htmlFor="inventory-import-trust">
          <span className="field__label">Trusted root (PEM)</span>
          <input
            id="inventory-import-trust"
            className="input"
            data-testid="inventory-import-trust"
            value={trust}
            onChange={(e) => setTrust(e.target.value)}
            spellCheck={false}
          />
        </label>
        {accountMode ? null : (
          <label className="field" htmlFor="inventory-import-operator">
            <span className="field__label">Operator</span>
            <input
              id="inventory-import-operator"
              className="input input--narrow"
              data-testid="inventory-import-operator"
              value={operator}
              onChange={(e) => setOperator(e.target.value)}
            />
          </label>
        )}
        <button type="submit" className="button button--primary" data-testid="inventory-import-submit" disabled={!ready}>
          {busy ? 'Verifying and importing…' : 'Verify and import'}
        </button>
      </div>
      {results ? (
        <ul className="import-results" data-testid="inventory-import-results">
          {results.map((r) => (
            <li
              key={r.folder}
              className={r.ok ? 'import-results__ok' : 'import-results__bad'}
              data-testid="inventory-import-result"
              data-state={r.ok ? 'ok' : 'refused'}
            >
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
