import { useState } from 'react';
import type { SerialPortView } from '../../../preload/api.js';

interface Props {
  ports: readonly SerialPortView[];
  selected: readonly string[];
  onToggle: (path: string, on: boolean) => void;
  onAdd: (path: string) => void;
  onReload: () => void;
  disabled: boolean;
}

/** The fixture's ports: what the OS lists, plus any added by path. */
export function PortPicker({ ports, selected, onToggle, onAdd, onReload, disabled }: Props) {
  const [path, setPath] = useState('');
  const add = () => {
    if (path.trim() === '') return;
    onAdd(path.trim());
    onToggle(path.trim(), true);
    setPath('');
  };
  return (
    <div className="station-panel" aria-label="Ports">
      <div className="field">
        <span className="field__label">Ports ({selected.length} chosen)</span>
        <button type="button" className="button" data-testid="station-ports-refresh" onClick={onReload} disabled={disabled}>
          Look again
        </button>
        <input
          className="input"
          data-testid="station-port-path"
          value={path}
          placeholder="add a port by path"
          disabled={disabled}
          onChange={(e) => setPath(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') add();
          }}
        />
        <button type="button" className="button" data-testid="station-port-add" onClick={add} disabled={disabled || path.trim() === ''}>
          Add
        </button>
      </div>
      <ul className="port-list">
        {ports.length === 0 ? <li className="hint">No serial ports found. Plug in the fixture and look again.</li> : null}
        {ports.map((p) => (
          <li key={p.path}>
            <label className="port-list__item" data-testid="station-port-option" data-port={p.path} title={describe(p)}>
              <input type="checkbox" checked={selected.includes(p.path)} disabled={disabled} onChange={(e) => onToggle(p.path, e.target.checked)} />
              <span className="mono">{p.path}</span>
              {p.manufacturer ? <span className="hint">{p.manufacturer}</span> : null}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}

function describe(p: SerialPortView): string {
  return [p.manufacturer, p.vendorId && p.productId ? `USB ${p.vendorId}:${p.productId}` : undefined, p.serialNumber, p.location].filter(Boolean).join(' · ');
}
