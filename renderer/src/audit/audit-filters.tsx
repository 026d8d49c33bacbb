import { useId } from 'react';
import type { AuditFacets } from './use-audit-facets.js';
import type { AuditFilter } from './use-audit-pages.js';

interface Props {
  facets: AuditFacets;
  filter: AuditFilter;
  onChange: (filter: AuditFilter) => void;
}

export function AuditFilters({ facets, filter, onChange }: Props) {
  const id = useId();
  return (
    <div className="filters" role="group" aria-label="Filter audit entries">
      <label className="field" htmlFor={`${id}-action`}>
        <span className="field__label">Action</span>
        <select
          id={`${id}-action`}
          className="select"
          data-testid="audit-filter-action"
          value={filter.action}
          onChange={(e) => onChange({ ...filter, action: e.target.value })}
        >
          {optionsFor(facets.actions, filter.action)}
        </select>
      </label>
      <label className="field" htmlFor={`${id}-actor`}>
        <span className="field__label">Actor</span>
        <select
          id={`${id}-actor`}
          className="select"
          data-testid="audit-filter-actor"
          value={filter.actor}
          onChange={(e) => onChange({ ...filter, actor: e.target.value })}
        >
          {optionsFor(facets.actors, filter.actor)}
        </select>
      </label>
    </div>
  );
}

function optionsFor(values: readonly string[], selected: string) {
  // Keep the current choice listed even before (or if ever without) the facets naming it.
  const all = selected && !values.includes(selected) ? [selected, ...values] : values;
  return [
    <option key="" value="">
      All
    </option>,
    ...all.map((v) => (
      <option key={`v:${v}`} value={v}>
        {v}
      </option>
    )),
  ];
}
