import type { Section } from '../sections.js';

/** An honest page for a section that does not exist yet: what it will do, nothing pretend. */
export function PlannedSection({ section }: { section: Section }) {
  return (
    <section className="screen planned" data-testid={`section-${section.route}`} aria-labelledby={`${section.route}-title`}>
      <header className="screen__header">
        <h1 id={`${section.route}-title`} className="screen__title">
          {section.label}
        </h1>
      </header>
      <div className="planned__body">
        <p className="planned__summary">{section.summary}</p>
        <p className="planned__status">{section.planned}</p>
      </div>
    </section>
  );
}
