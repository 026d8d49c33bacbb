import { useCallback, useState } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import { AuthorityDetail } from '../authorities/authority-detail.js';
import { crlStateText, KIND_LABELS, treeRows } from '../authorities/authority-tree.js';
import { useAuthorities } from '../authorities/use-authorities.js';
import { useErrorScope } from '../components/error-reporter.js';
import '../authorities/authorities.css';

/** The workspace's PKI as a tree (roots → intermediates → signers), and one authority in full. */
export function AuthoritiesScreen() {
  // One action for the whole screen: its failures stay until dismissed (or the screen's next error replaces them).
  const report = useErrorScope('authorities', 'Authorities').report;
  const onError = useCallback((f: ApiFailure) => report('screen', f), [report]);
  const { authorities, reload } = useAuthorities(onError);
  const [selected, setSelected] = useState<string | null>(null);
  const rows = authorities ? treeRows(authorities) : [];
  const current = authorities?.find((a) => a.id === selected) ?? rows[0]?.authority ?? null;

  return (
    <section className="screen authorities" data-testid="authorities-screen" aria-labelledby="authorities-title">
      <header className="screen__header">
        <div className="screen__title-row">
          <h1 id="authorities-title" className="screen__title">
            Authorities
          </h1>
          <span className="count" data-testid="authorities-count">
            {authorities === null ? 'Loading…' : `${authorities.length} authorit${authorities.length === 1 ? 'y' : 'ies'}`}
          </span>
        </div>
      </header>
      {authorities !== null && authorities.length === 0 ? (
        <p className="hint" data-testid="authorities-empty">
          This workspace holds no CA yet. Create a root at a root ceremony (Ceremonies) or with <span className="mono">hallmark ca create</span>.
        </p>
      ) : null}
      <div className="authorities__body">
        <ul className="authority-tree" data-testid="authority-tree" role="tree">
          {rows.map(({ authority: a, depth }) => (
            <li key={a.id} role="treeitem" aria-level={depth + 1} aria-selected={current?.id === a.id}>
              <button
                type="button"
                className={`authority-tree__item${current?.id === a.id ? ' is-current' : ''}`}
                style={{ paddingLeft: 8 + depth * 18 }}
                data-testid="authority-node"
                data-id={a.id}
                data-kind={a.kind}
                data-depth={depth}
                onClick={() => setSelected(a.id)}
              >
                <span className="authority-tree__name">{a.name}</span>
                <span className="authority-tree__meta">
                  {KIND_LABELS[a.kind]} · {a.certificate.description.publicKey.words} · {a.key ? a.key.store : 'external key'}
                  {a.status === 'revoked' ? ' · revoked' : ''}
                </span>
                {a.crl ? (
                  <span className={`authority-tree__meta authority-tree__crl--${a.crl.state}`}>
                    CRL #{a.crl.crlNumber}: {crlStateText(a.crl)}
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
        {current ? <AuthorityDetail key={current.id} authority={current} onChanged={reload} onError={onError} /> : null}
      </div>
    </section>
  );
}
