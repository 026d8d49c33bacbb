import { useEffect, useRef } from 'react';
import type { ApiFailure } from '../api/hallmark.js';

interface Props {
  context: string;
  failure: ApiFailure;
  onDismiss: () => void;
}

/** Someone typing keeps the field: the banner is announced (role alert) without taking it. */
function typingInField(): boolean {
  const el = document.activeElement;
  return el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.type !== 'checkbox' && el.type !== 'radio' && el.value !== '');
}

export function ErrorBanner({ context, failure, onDismiss }: Props) {
  const self = useRef<HTMLDivElement>(null);
  // Keyboard users land on the banner that appeared (mounted afresh for each report).
  useEffect(() => {
    if (!typingInField()) self.current?.focus();
  }, []);
  return (
    <div ref={self} className="error-banner" role="alert" tabIndex={-1} data-testid="error-banner" data-code={failure.code}>
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
