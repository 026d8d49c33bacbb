import { useState, type FormEvent } from 'react';
import type { QaDeviceSummaryView } from '../../../preload/api.js';
import { invoke, toFailure } from '../api/hallmark.js';
import { useErrorScope } from '../components/error-reporter.js';
import { FolderDropZone } from '../components/folder-drop-zone.js';
import { rowActivation } from '../components/row-activation.js';
import { VirtualTable } from '../components/virtual-table.js';
import { QaCheckList } from '../qa/qa-check-list.js';
import { QA_DEVICE_COLUMNS } from '../qa/qa-device-columns.js';
import { QaDeviceDetail } from '../qa/qa-device-detail.js';
import { QaProgress } from '../qa/qa-progress.js';
import { verdictOf } from '../qa/qa-verdict.js';
import { useQa, type QaPaths } from '../qa/use-qa.js';

const ROW_HEIGHT = 28;

/**
 * QA: run the standalone verifier on a manifest folder and read its checks. The folder
 * comes from the face's folder dialog, a drop, or the typed field (the renderer itself
 * never touches the disk); a chosen or dropped folder is verified at once when the
 * trusted root is named, through the same run as the Verify button.
 */
export function QaScreen() {
  const errors = useErrorScope('qa', 'QA');
  const qa = useQa(errors);
  const [paths, setPaths] = useState<QaPaths>({ dir: '', trustPem: '', planCsv: '', previousDir: '' });
  const set = (k: keyof QaPaths) => (e: { target: { value: string } }) => setPaths((p) => ({ ...p, [k]: e.target.value }));
  const canVerify = paths.dir.trim() !== '' && paths.trustPem.trim() !== '' && !qa.running;
  const [needTrust, setNeedTrust] = useState(false);

  const run = (p: QaPaths) => void qa.verify(p);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canVerify) return;
    run(paths);
  };

  const chooseFolder = (dir: string) => {
    const next = { ...paths, dir };
    setPaths(next);
    const ready = next.trustPem.trim() !== '' && !qa.running;
    setNeedTrust(!ready && next.trustPem.trim() === '');
    if (ready) run(next);
  };

  const openFolder = () => {
    invoke('dialog.openFolder', { purpose: 'manifest' }).then(
      // Cancel (null) leaves the screen as it was.
      ({ path }) => {
        errors.resolve('open-folder');
        if (path !== null) chooseFolder(path);
      },
      (e: unknown) => errors.report('open-folder', toFailure(e)),
    );
  };

  const r = qa.report;
  const verdict = r ? verdictOf(r) : null;
  const devices = r?.deviceList ?? [];
  const activation = rowActivation('data-index', (i) => void qa.openDevice(Number(i)));

  return (
    <section className="screen qa" data-testid="qa-screen" aria-labelledby="qa-title">
      <header className="screen__header">
        <div className="screen__title-row">
          <h1 id="qa-title" className="screen__title">
            QA — manifest verification
          </h1>
          {verdict ? (
            <span className={`verdict verdict--${verdict.state}`} data-testid="qa-verdict" data-state={verdict.state} aria-live="polite">
              {verdict.text}
            </span>
          ) : (
            <span className="count">{qa.running ? 'Verifying…' : 'Not verified yet'}</span>
          )}
        </div>
        <form className="qa-form" onSubmit={submit} aria-label="Manifest to verify">
          <FolderDropZone testId="qa-drop" multiple={false} onFolders={([dir]) => dir !== undefined && chooseFolder(dir)}>
            <button type="button" className="button button--primary" data-testid="qa-open-folder" onClick={openFolder} disabled={qa.running}>
              Open folder…
            </button>
            {needTrust && paths.trustPem.trim() === '' ? (
              <span className="hint" data-testid="qa-need-trust">
                Now name the trusted root, then Verify.
              </span>
            ) : null}
          </FolderDropZone>
          <PathField
            label="Manifest folder"
            testId="qa-dir"
            value={paths.dir}
            onChange={set('dir')}
            placeholder="/media/usb/WO-1 (manifest.json + manifest.json.p7s)"
          />
          <PathField label="Trusted root (PEM)" testId="qa-trust" value={paths.trustPem} onChange={set('trustPem')} placeholder="/path/to/root.pem" />
          <PathField label="Production plan CSV (optional)" testId="qa-plan" value={paths.planCsv} onChange={set('planCsv')} placeholder="plan.csv" />
          <PathField
            label="Previous manifest folder (optional)"
            testId="qa-previous"
            value={paths.previousDir}
            onChange={set('previousDir')}
            placeholder="/media/usb/WO-0"
          />
          <div className="qa-form__actions">
            <button type="submit" className="button button--primary button--big" data-testid="qa-verify" disabled={!canVerify}>
              {qa.running ? 'Verifying…' : 'Verify'}
            </button>
            <span className="hint">Or type the paths on this computer.</span>
          </div>
        </form>
        {qa.running && qa.progress ? <QaProgress progress={qa.progress} onCancel={() => void qa.cancel()} /> : null}
        {qa.cancelled && !qa.running ? (
          <p className="hint" data-testid="qa-cancelled">
            Verification cancelled; nothing was written.
          </p>
        ) : null}
      </header>
      <div className="qa__body">
        {r ? (
          <>
            <dl className="qa-meta">
              <Meta k="Work order" v={r.workOrder ?? '?'} />
              <Meta k="Sequence" v={String(r.sequence ?? '?')} />
              <Meta k="Entries" v={String(r.devices ?? '?')} />
              <Meta k="Signer" v={r.signer?.subject ?? '?'} />
              <Meta k="Signed" v={r.signingTime ?? '?'} />
              <Meta k="manifest.json SHA-256" v={r.manifestSha256 ?? '?'} mono />
            </dl>
            <QaCheckList checks={r.checks} />
            <div className="qa-save">
              <button type="button" className="button" data-testid="qa-save-report" onClick={() => void qa.saveReport()}>
                Save HTML report…
              </button>
              {qa.saved ? (
                <span className="hint" data-testid="qa-saved">
                  Saved {qa.saved.path} ({qa.saved.bytes} bytes); an existing file is never overwritten.
                </span>
              ) : (
                <span className="hint">Choose where in the dialog: on the QA medium, never inside the workspace.</span>
              )}
            </div>
            <div className="qa-devices">
              <div className="qa-devices__list" {...activation}>
                <h2 className="section-title">
                  Entries{r.deviceListTruncated ? ` (first ${devices.length} of ${r.devices ?? '?'})` : ''} — click one for its certificate
                </h2>
                <div className="qa-devices__table">
                  <VirtualTable<QaDeviceSummaryView>
                    label="Manifest entries"
                    columns={QA_DEVICE_COLUMNS}
                    rowCount={devices.length}
                    rowHeight={ROW_HEIGHT}
                    getRow={(i) => devices[i]}
                    rowKey={(d) => String(d.index)}
                    rowAttributes={(d) => ({ 'data-index': String(d.index), 'data-serial': d.hardwareSerial })}
                    rowTestId="qa-device"
                    resetKey={r.verifiedAt}
                    empty="manifest.json could not be read as a manifest; see the format check."
                  />
                </div>
              </div>
              {qa.detail ? <QaDeviceDetail detail={qa.detail} onClose={qa.closeDevice} /> : null}
            </div>
          </>
        ) : (
          <p className="hint qa__empty">
            Name the trusted root, then open or drop a manifest folder (or type it and Verify). Each check of `hallmark manifest verify` is shown here with its
            details.
          </p>
        )}
      </div>
    </section>
  );
}

function PathField(props: { label: string; testId: string; value: string; onChange: (e: { target: { value: string } }) => void; placeholder: string }) {
  const id = `${props.testId}-input`;
  return (
    <label className="field qa-form__field" htmlFor={id}>
      <span className="field__label">{props.label}</span>
      <input
        id={id}
        className="input input--wide"
        data-testid={props.testId}
        value={props.value}
        onChange={props.onChange}
        placeholder={props.placeholder}
        spellCheck={false}
      />
    </label>
  );
}

function Meta({ k, v, mono }: { k: string; v: string; mono?: boolean }) {
  return (
    <div className="qa-meta__item">
      <dt>{k}</dt>
      <dd className={mono ? 'mono' : undefined}>{v}</dd>
    </div>
  );
}
