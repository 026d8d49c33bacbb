import type { QaProgressView } from '../../../preload/api.js';

/** How far the running verification is (entries checked of all), with its Cancel button. */
export function QaProgress({ progress, onCancel }: { progress: QaProgressView; onCancel: () => void }) {
  const { checked, total } = progress;
  const label = total === 0 ? 'Reading the manifest…' : `${checked.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} entries checked`;
  return (
    <div className="qa-progress" data-testid="qa-progress" data-checked={checked} data-total={total} role="status" aria-live="polite">
      <progress className="qa-progress__bar" max={total || 1} value={total ? checked : undefined} aria-label="Verification progress" />
      <span className="qa-progress__text">{label}</span>
      <button type="button" className="button" data-testid="qa-cancel" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
