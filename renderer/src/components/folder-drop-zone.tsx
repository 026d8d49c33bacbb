import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { invoke, pathForFile, toFailure } from '../api/hallmark.js';

/** inventory.import's bound on folders per request */
const MAX_FOLDERS = 64;

interface Props {
  testId: string;
  /** several folders at once (inventory import) or exactly one (QA) */
  multiple: boolean;
  /** the folders dropped, already resolved by the core (a dropped manifest.json stands for its folder) */
  onFolders: (folders: string[]) => void;
  children: ReactNode;
}

type ZoneState = { kind: 'idle' } | { kind: 'hover' } | { kind: 'checking' } | { kind: 'error'; problems: string[] };

/**
 * Where manifest folders are dropped. The renderer learns a dropped item's path only
 * through window.hallmark.pathForFile and cannot tell a folder from a file itself, so
 * the core resolves the paths (dialog.droppedFolders); what it refuses is shown here,
 * in the zone, rather than as a failed verification.
 */
export function FolderDropZone({ testId, multiple, onFolders, children }: Props) {
  const [state, setState] = useState<ZoneState>({ kind: 'idle' });
  // dragenter/dragleave fire for every child crossed; only the outermost pair counts.
  const depth = useRef(0);
  const carriesFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

  const enter = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth.current += 1;
    setState({ kind: 'hover' });
  };
  const over = (e: DragEvent) => {
    if (!carriesFiles(e)) return;
    // Without preventDefault on dragover the browser refuses the drop.
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const leave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setState((s) => (s.kind === 'hover' ? { kind: 'idle' } : s));
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    depth.current = 0;
    void accept(Array.from(e.dataTransfer.files));
  };

  const accept = async (files: File[]) => {
    const fail = (...problems: string[]) => setState({ kind: 'error', problems });
    if (files.length === 0) return fail('Nothing that lives on this computer was dropped: drop a manifest folder.');
    if (!multiple && files.length > 1) return fail(`${files.length} items were dropped: drop one manifest folder.`);
    if (files.length > MAX_FOLDERS) return fail(`${files.length} items were dropped: at most ${MAX_FOLDERS} folders at a time.`);
    const paths = files.map((f) => ({ name: f.name, path: pathForFile(f) }));
    const unplaced = paths.filter((p) => p.path === '');
    if (unplaced.length) return fail(...unplaced.map((p) => `“${p.name}” is not a file or folder on this computer.`));
    setState({ kind: 'checking' });
    try {
      const { items } = await invoke('dialog.droppedFolders', { paths: paths.map((p) => p.path) });
      const folders = items.flatMap((i) => (i.ok ? [i.folder] : []));
      const problems = items.flatMap((i) => (i.ok ? [] : [i.problem]));
      // Several folders: import the good ones and name the rest; one folder: all or nothing.
      if (folders.length && (multiple || !problems.length)) onFolders([...new Set(folders)]);
      setState(problems.length ? { kind: 'error', problems } : { kind: 'idle' });
    } catch (err) {
      const f = toFailure(err);
      fail(`${f.code}: ${f.message}`);
    }
  };

  return (
    <div
      className={`drop-zone drop-zone--${state.kind}`}
      data-testid={testId}
      data-state={state.kind}
      onDragEnter={enter}
      onDragOver={over}
      onDragLeave={leave}
      onDrop={drop}
    >
      {children}
      <span className="drop-zone__hint">
        {state.kind === 'hover'
          ? `Release to open ${multiple ? 'these folders' : 'this folder'}`
          : state.kind === 'checking'
            ? 'Checking…'
            : `or drop ${multiple ? 'manifest folders' : 'a manifest folder'} here`}
      </span>
      {state.kind === 'error' ? (
        <ul className="drop-zone__error" role="alert" data-testid={`${testId}-error`}>
          {state.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
