import { useSyncExternalStore } from 'react';
import { parseRoute, type Route } from './routes.js';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const snapshot = (): Route => parseRoute(window.location.hash);

export function useHashRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot);
}
