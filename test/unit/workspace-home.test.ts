import { describe, expect, it } from 'vitest';
import { resolveWorkspaceHome } from '../../main/store/workspace-home.js';

describe('resolveWorkspaceHome', () => {
  it('prefers --home, then HALLMARK_HOME, then the per-user data directory', () => {
    expect(resolveWorkspaceHome('/a', { HALLMARK_HOME: '/b', HOME: '/h' }, 'linux')).toBe('/a');
    expect(resolveWorkspaceHome(undefined, { HALLMARK_HOME: '/b', HOME: '/h' }, 'linux')).toBe('/b');
    expect(resolveWorkspaceHome(undefined, { HOME: '/h' }, 'linux')).toBe('/h/.local/share/hallmark');
    expect(resolveWorkspaceHome(undefined, { HOME: '/h', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/hallmark');
    expect(resolveWorkspaceHome(undefined, { HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/Hallmark');
  });

  it('treats an empty HALLMARK_HOME as unset', () => {
    expect(resolveWorkspaceHome(undefined, { HALLMARK_HOME: '', HOME: '/h' }, 'linux')).toBe('/h/.local/share/hallmark');
  });
});
