import type { HallmarkApi } from '../../preload/api.js';

// Optional on purpose: a page opened without the preload (or a broken bridge) must show
// an error banner instead of crashing on first access.
declare global {
  interface Window {
    readonly hallmark?: HallmarkApi;
  }
}

export {};
