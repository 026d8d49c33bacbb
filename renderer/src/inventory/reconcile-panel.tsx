import { useState, type FormEvent } from 'react';
import type { ReconcileReportView, ReconcileUnlistedView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

interface Props {
  onError: (f: ApiFailure) => void;
}

function Unlisted({ title, testId, rows, count }: { title: string; testId: string; rows: ReconcileUnlistedView[]; count: number }) {
  if (count === 0) return null;
  return (
    <li className="fleet__item fleet__item--bad" data-testid={testId} data-count={count}>
      {title}: {count}
      <ul className="fleet__pairs">
        {rows.slice(0, 20).map((r) => (
          <li key={`${r.source}-${r.certificateSha256}`}>
            <span className="mono">{r.source}</span> {r.subject ?? `certificate ${r.certificateSha256.slice(0, 16)}…`}
            {r.issuer !== null ? <span className="hint"> issued by {r.issuer}</span> : null}
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * A cloud registry's export (a folder of certificates or a CSV of fingerprints) against
 * the inventory: what the cloud accepts that no manifest lists, that the inventory has
 * retired, or that it does not know. Read-only; the report is saved where the main
 * process's save dialog puts it.
 */
export function ReconcilePanel({ onError }: Props) {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ReconcileReportView | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const run = (p: string) => {
    setBusy(true);
    setSaved(null);
    invoke('inventory.reconcile', { path: p })
      .then(setReport, (e: unknown) => {
        setReport(null);
        onError(toFailure(e));
      })
      .finally(() => setBusy(false));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim() !== '' && !busy) run(path.trim());
  };
  const pick = () => {
    invoke('dialog.openFolder', { purpose: 'registry-export' }).then(
      ({ path: chosen }) => {
        if (chosen === null) return;
        setPath(chosen);
        run(chosen);
      },
      (e: unknown) => onError(toFailure(e)),
    );
  };
  const save = () => {
    invoke('inventory.saveReconcileReport', { path: path.trim() }).then(
      (r) => setSaved(r === null ? null : r.path),
      (e: unknown) => onError(toFailure(e)),
    );
  };

  const c = report?.counts;
  const clean = c !== undefined && c.unauthorized + c.retired + c.unknown + c.problems === 0;
  return (
    <section className="health__reconcile" aria-labelledby="reconcile-title" data-testid="inventory-reconcile">
      <h2 id="reconcile-title" className="fleet__title">
        Reconcile a cloud registry export (AWS IoT, Azure DPS, nRF Cloud)
      </h2>
      <form className="health__reconcile-form" onSubmit={submit}>
        <button type="button" className="button" data-testid="reconcile-pick" onClick={pick} disabled={busy}>
          Choose folder…
        </button>
        <label className="field" htmlFor="reconcile-path">
          <span className="field__label">Folder of certificates, or CSV of SHA-256 fingerprints</span>
          <input id="reconcile-path" className="input" data-testid="reconcile-path" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        </label>
        <button type="submit" className="button button--primary" data-testid="reconcile-submit" disabled={busy || path.trim() === ''}>
          {busy ? 'Reconciling…' : 'Reconcile'}
        </button>
        {report !== null ? (
          <button type="button" className="button" data-testid="reconcile-save" onClick={save}>
            Save report…
          </button>
        ) : null}
      </form>
      {saved !== null ? (
        <p className="hint" data-testid="reconcile-saved">
          Report saved to <span className="mono">{saved}</span>
        </p>
      ) : null}
      {report !== null && c !== undefined ? (
        <div data-testid="reconcile-result" data-clean={clean}>
          <p className="hint" data-testid="reconcile-summary">
            {report.registered.toLocaleString('en-US')} registered: {report.matched.toLocaleString('en-US')} in service in the inventory
            {clean ? ' — nothing else.' : '.'}
          </p>
          <ul className="fleet__list">
            <Unlisted
              title="Issued by a known CA but in no manifest (unauthorized issuance)"
              testId="reconcile-unauthorized"
              rows={report.unauthorized}
              count={c.unauthorized}
            />
            {c.retired > 0 ? (
              <li className="fleet__item fleet__item--bad" data-testid="reconcile-retired" data-count={c.retired}>
                Superseded or revoked, still registered: {c.retired}
                <ul className="fleet__pairs">
                  {report.retired.slice(0, 20).map((r) => (
                    <li key={r.certificateSha256}>
                      <span className="mono">{r.source}</span> {r.hardwareSerial} <span className={`status-chip status-chip--${r.status}`}>{r.status}</span>{' '}
                      <span className="hint">
                        ({r.model}, {r.batchId}, station {r.stationId})
                      </span>
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
            <Unlisted title="Registered devices the inventory does not know" testId="reconcile-unknown" rows={report.unknown} count={c.unknown} />
            {c.problems > 0 ? (
              <li className="fleet__item fleet__item--bad" data-testid="reconcile-problems" data-count={c.problems}>
                Not read: {c.problems}
                <ul className="fleet__pairs">
                  {report.problems.slice(0, 20).map((p) => (
                    <li key={p.source} data-testid="reconcile-problem" data-code={p.code}>
                      <span className="mono">{p.source}</span> <span className="hint">{p.code}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ) : null}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
