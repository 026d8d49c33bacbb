import { useState, type FormEvent } from 'react';
import type { CeremonyDetailView } from '../../../preload/api.js';
import { KeyValueList } from '../components/certificate-details.js';
import { utcText } from './clock-confirmation.js';

/** One ceremony from the register: what it committed step by step, its outputs and where its transcript is. */
export function CeremonyDetail({
  detail,
  busy,
  onClose,
  onResume,
  onAbort,
}: {
  detail: CeremonyDetailView;
  busy: boolean;
  onClose: () => void;
  /** opens the resume flow: binding, the custodians' approval of the hash again, pre-flight */
  onResume: () => void;
  /** what happened to the transcript, or undefined when refused */
  onAbort: (reason: string) => Promise<string | undefined>;
}) {
  const outputs = detail.steps.flatMap((s) => s.outputs.map((o) => ({ ...o, step: s.step })));
  const [aborting, setAborting] = useState(false);
  const [reason, setReason] = useState('');
  const [abortNote, setAbortNote] = useState<string | null>(null);
  const submitAbort = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') return;
    void onAbort(reason.trim()).then((note) => {
      if (note === undefined) return;
      setAbortNote(note);
      setAborting(false);
      setReason('');
    });
  };
  return (
    <section
      className="ceremony-panel ceremony-detail"
      data-testid="ceremony-detail"
      data-id={detail.id}
      data-status={detail.status}
      aria-label={`Ceremony ${detail.name}`}
    >
      <div className="ceremony-detail__head">
        <h2 className="section-title">
          {detail.name} <span className={`ceremony-badge ceremony-badge--${detail.status}`}>{detail.status}</span>
        </h2>
        <button type="button" className="button" data-testid="ceremony-detail-close" onClick={onClose}>
          Back to the list
        </button>
      </div>
      {detail.error ? (
        <p className="ceremony-aborted__message" role="note">
          {detail.error.code}: {detail.error.message}
        </p>
      ) : null}
      {detail.status === 'interrupted' ? (
        <div className="ceremony-detail__interrupted" data-testid="ceremony-detail-interrupted">
          <p className="hint">
            This ceremony stopped after {detail.stepsDone} of {detail.stepsTotal} committed steps and is still open. Resume it — the same script, approved again
            by the custodians, writing to the same output folder — or abort it with a reason. What its committed steps made stays recorded either way.
          </p>
          {aborting ? (
            <form className="ceremony-detail__abort" onSubmit={submitAbort} aria-label="Abort the interrupted ceremony">
              <input
                className="input input--wide"
                data-testid="ceremony-detail-abort-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="why the ceremony is abandoned (recorded)"
                maxLength={500}
                autoFocus
              />
              <button type="submit" className="button button--stop" data-testid="ceremony-detail-abort-confirm" disabled={busy || reason.trim() === ''}>
                Abort ceremony
              </button>
              <button type="button" className="button" onClick={() => setAborting(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <div className="ceremony-detail__actions">
              <button type="button" className="button button--primary" data-testid="ceremony-detail-resume" disabled={busy} onClick={onResume}>
                Resume…
              </button>
              <button type="button" className="button button--stop" data-testid="ceremony-detail-abort" disabled={busy} onClick={() => setAborting(true)}>
                Abort…
              </button>
            </div>
          )}
        </div>
      ) : null}
      {abortNote !== null ? (
        <p className="hint" data-testid="ceremony-detail-abort-note">
          Aborted. Transcript: {abortNote}
        </p>
      ) : null}
      <KeyValueList
        rows={[
          ['Kind', detail.kind + (detail.rehearsal ? ' (rehearsal)' : '')],
          ['Started', `${utcText(detail.startedAt)} by ${detail.startedBy}`],
          ['Finished', detail.finishedAt ? utcText(detail.finishedAt) : '—'],
          ['Steps committed', `${detail.stepsDone} of ${detail.stepsTotal}`],
          ['Script', detail.scriptPath],
          ['Script SHA-256', detail.scriptSha256],
          ['Output folder', detail.outDir],
          ['Transcript SHA-256', detail.transcriptSha256 ?? '—'],
        ]}
      />
      <h3 className="ceremony-result__sub">Transcript</h3>
      {detail.files.length === 0 ? (
        <p className="hint" data-testid="ceremony-detail-no-files">
          No transcript file in {detail.outDir} (the medium is not attached here, or the ceremony stopped before writing it).
        </p>
      ) : (
        <ul className="ceremony-detail__files" data-testid="ceremony-detail-files">
          {detail.files.map((f) => (
            <li key={f.name} className="mono" data-testid="ceremony-detail-file" data-name={f.name}>
              {f.path} <span className="hint">({f.bytes} bytes)</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="ceremony-result__sub">Outputs</h3>
      {outputs.length === 0 ? (
        <p className="hint">No output committed.</p>
      ) : (
        <table className="ceremony-outputs" data-testid="ceremony-detail-outputs">
          <thead>
            <tr>
              <th>File</th>
              <th>Step</th>
              <th>Bytes</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {outputs.map((o) => (
              <tr key={`${o.step}/${o.file}`} data-testid="ceremony-detail-output" data-file={o.file}>
                <td className="mono">{o.file}</td>
                <td className="mono">{o.step}</td>
                <td>{o.bytes}</td>
                <td className="mono">{o.sha256}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3 className="ceremony-result__sub">Committed steps</h3>
      <ol className="ceremony-detail__steps" data-testid="ceremony-detail-steps">
        {detail.steps.map((s) => (
          <li key={s.index} data-testid="ceremony-detail-step" data-step={s.step}>
            <span className="mono">{s.step}</span>
            {s.action ? <span className="run-step__action"> action: {s.action}</span> : null}
            <span className="hint"> — {utcText(s.completedAt)}</span>
            {s.acknowledgments.length > 0 ? (
              <ul className="ceremony-detail__acks">
                {s.acknowledgments.map((a) => (
                  <li key={`${a.role}/${a.name}/${a.time}`}>
                    {a.role} {a.name}{' '}
                    <span className="mono hint">
                      {utcText(a.time)} via {a.via}
                    </span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
