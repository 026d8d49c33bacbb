import { useEffect, useState } from 'react';
import type { WorkspaceInfoView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from './hallmark.js';

export function useWorkspaceInfo(onError: (failure: ApiFailure) => void): WorkspaceInfoView | null {
  const [info, setInfo] = useState<WorkspaceInfoView | null>(null);
  useEffect(() => {
    let live = true;
    invoke('workspace.info', {}).then(
      (value) => {
        if (live) setInfo(value);
      },
      (error: unknown) => {
        if (live) onError(toFailure(error));
      },
    );
    return () => {
      live = false;
    };
  }, [onError]);
  return info;
}
