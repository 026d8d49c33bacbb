import { hrefFor, type Route } from '../routing/routes.js';
import { SECTIONS } from '../sections.js';

export function SideNav({ current }: { current: Route }) {
  return (
    <nav className="side-nav" aria-label="Sections">
      <ul className="side-nav__list">
        {SECTIONS.map((s) => (
          <li key={s.route}>
            <a
              href={hrefFor(s.route)}
              className={`side-nav__link${s.route === current ? ' is-current' : ''}`}
              aria-current={s.route === current ? 'page' : undefined}
              data-testid={`nav-${s.route}`}
              title={s.summary}
            >
              <span className="side-nav__label">{s.label}</span>
              {s.planned !== null ? <span className="side-nav__badge">planned</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
