import { useState, type FormEvent } from 'react';
import { nameMatches } from './ceremony-text.js';

const BUTTON: Record<string, string> = { approved: 'Approve', confirmed: 'Confirm' };

/**
 * One person's sign-off: they type their own name and confirm. The button stays disabled
 * until the typed name is exactly theirs, so a click on someone else's row does nothing.
 */
export function NameSignOff(props: {
  role: string;
  name: string;
  /** UTC time recorded by the core; null while still awaited */
  time: string | null;
  verb: string;
  disabled: boolean;
  testId: string;
  onSign: (name: string) => Promise<boolean>;
}) {
  const [typed, setTyped] = useState('');
  const id = `${props.testId}-${props.role}-${props.name}`.replace(/\s+/g, '-');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!nameMatches(typed, props.name) || props.disabled) return;
    void props.onSign(props.name);
  };
  return (
    <form className={`sign-off${props.time ? ' sign-off--done' : ''}`} data-testid={props.testId} data-role={props.role} data-name={props.name} data-state={props.time ? 'signed' : 'awaited'} onSubmit={submit}>
      <span className="sign-off__who">
        <span className="sign-off__role">{props.role}</span> {props.name}
      </span>
      {props.time ? (
        <span className="sign-off__time mono" data-testid={`${props.testId}-time`}>
          {props.verb} {props.time}
        </span>
      ) : (
        <>
          <label className="sr-only" htmlFor={id}>
            {props.name}: type your name
          </label>
          <input id={id} className="input" data-testid={`${props.testId}-name`} value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="type your name" autoComplete="off" spellCheck={false} />
          <button type="submit" className="button" data-testid={`${props.testId}-submit`} disabled={props.disabled || !nameMatches(typed, props.name)}>
            {BUTTON[props.verb] ?? 'Acknowledge'}
          </button>
        </>
      )}
    </form>
  );
}
