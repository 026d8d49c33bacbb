import { useState, type FormEvent } from 'react';
import { nameMatches } from './ceremony-text.js';

const BUTTON: Record<string, string> = { approved: 'Approve', confirmed: 'Confirm' };

/**
 * One person's sign-off: they type their own name and confirm. The button stays disabled
 * until the typed name is exactly theirs, so a click on someone else's row does nothing.
 * With `credential` (a custodian, once the workspace has accounts) they also enter their
 * own passphrase or PIN, kept in this form only until it is sent, then cleared.
 */
export function NameSignOff(props: {
  role: string;
  name: string;
  /** UTC time recorded by the core; null while still awaited */
  time: string | null;
  verb: string;
  disabled: boolean;
  testId: string;
  onSign: (name: string, credential?: string) => Promise<boolean>;
  credential?: boolean;
}) {
  const [typed, setTyped] = useState('');
  const [secret, setSecret] = useState('');
  const needsSecret = props.credential === true;
  const id = `${props.testId}-${props.role}-${props.name}`.replace(/\s+/g, '-');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!nameMatches(typed, props.name) || props.disabled || (needsSecret && secret === '')) return;
    if (!needsSecret) {
      void props.onSign(props.name);
      return;
    }
    const entered = secret;
    setSecret('');
    void props.onSign(props.name, entered);
  };
  return (
    <form
      className={`sign-off${props.time ? ' sign-off--done' : ''}`}
      data-testid={props.testId}
      data-role={props.role}
      data-name={props.name}
      data-state={props.time ? 'signed' : 'awaited'}
      onSubmit={submit}
    >
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
          <input
            id={id}
            className="input"
            data-testid={`${props.testId}-name`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            placeholder="type your name"
            autoComplete="off"
            spellCheck={false}
          />
          {needsSecret ? (
            <>
              <label className="sr-only" htmlFor={`${id}-credential`}>
                {props.name}: your passphrase or PIN
              </label>
              <input
                id={`${id}-credential`}
                className="input"
                type="password"
                data-testid={`${props.testId}-credential`}
                value={secret}
                maxLength={1024}
                onChange={(e) => setSecret(e.target.value)}
                placeholder="passphrase or PIN"
                autoComplete="off"
              />
            </>
          ) : null}
          <button
            type="submit"
            className="button"
            data-testid={`${props.testId}-submit`}
            disabled={props.disabled || !nameMatches(typed, props.name) || (needsSecret && secret === '')}
          >
            {BUTTON[props.verb] ?? 'Acknowledge'}
          </button>
        </>
      )}
    </form>
  );
}
