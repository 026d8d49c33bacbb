import type { ApiFailure } from '../api/hallmark.js';

interface Props {
  context: string;
  failure: ApiFailure;
  onDismiss: () => void;
}

export function ErrorBanner({ context, failure, onDismiss }: Props) {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={failure.code}>
      <span className="error-banner__code">{failure.code}</span>
      <span className="error-banner__text">
        <strong>{context}:</strong> {failure.message}
      </span>
      <button type="button" className="button button--ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
