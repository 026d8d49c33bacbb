import { useState, type FormEvent } from 'react';
import type { CeremonyShareTypeBackView } from '../../../preload/api.js';

/**
 * A custodian types their new share back from the sheet just printed, before the next
 * custodian's turn. The text stays in the field after a refusal: the problem names the
 * line to compare with the sheet, and only that line needs retyping. (The share is
 * encrypted to the custodian's passphrase, so showing it is no disclosure.)
 */
export function ShareTypeBackPrompt({
  request,
  busy,
  onProvide,
}: {
  request: CeremonyShareTypeBackView;
  busy: boolean;
  onProvide: (requestId: string, text: string) => Promise<boolean>;
}) {
  const draftKey = `${request.step}/${request.index}/${request.custodian}`;
  const [text, setTextState] = useState(() => draftFor(draftKey));
  const setText = (value: string) => {
    setTextState(value);
    drafts = { key: draftKey, text: value };
  };
  const inputId = `ceremony-share-text-${request.index}`;
  const lines = request.problem ? [...new Set([...request.problem.matchAll(/\bline (\d+)/g)].map((m) => Number(m[1])))] : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '' || busy) return;
    void onProvide(request.id, text);
  };
  return (
    <form
      className="secret-prompt share-type-back"
      data-testid="ceremony-share-type-back"
      data-custodian={request.custodian}
      data-index={request.index}
      data-step={request.step}
      data-request={request.id}
      onSubmit={submit}
      aria-label={`${request.custodian}: type share ${request.index} of ${request.total} back`}
    >
      <span className="secret-prompt__role">Custodian</span>
      <span className="secret-prompt__who" data-testid="ceremony-share-type-back-who">
        {request.custodian}
      </span>
      <label className="secret-prompt__ask" htmlFor={inputId} data-testid="ceremony-share-type-back-what">
        type share {request.index} of {request.total} from your printed sheet, line by line
      </label>
      {request.problem !== null ? (
        <p className="share-type-back__problem" role="alert" data-testid="ceremony-share-problem" data-lines={lines.join(',')}>
          Not accepted: {request.problem}
        </p>
      ) : null}
      <textarea
        id={inputId}
        className="input share-type-back__text mono"
        data-testid="ceremony-share-text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        rows={Math.min(24, Math.max(8, text.split('\n').length + 1))}
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="characters"
        autoFocus
      />
      <div className="secret-prompt__row">
        <button type="submit" className="button button--primary" data-testid="ceremony-share-text-submit" disabled={busy || text.trim() === ''}>
          Check this share
        </button>
      </div>
      <p className="hint">
        Sheet <span className="mono">{request.sheet}</span> on the output medium. Case, spaces and dashes do not matter; the two boxed characters at the end of
        each line check that line.
      </p>
    </form>
  );
}

/**
 * The text being typed, outside React: between a typo's refusal and the next request the
 * run can briefly show no prompt, or show it at another place in the list, and either
 * remounts this form. Its text must survive that, so the custodian retypes one line, not the
 * share. One draft at a time: another share's prompt starts empty.
 */
let drafts: { key: string; text: string } | null = null;

function draftFor(key: string): string {
  if (drafts?.key === key) return drafts.text;
  drafts = null;
  return '';
}
