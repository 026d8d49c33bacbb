export const ROUTES = ['authorities', 'ceremonies', 'station', 'qa', 'inventory', 'audit'] as const;
export type Route = (typeof ROUTES)[number];

/** Audit is the one working screen, so junk or empty hashes land there. */
export const DEFAULT_ROUTE: Route = 'audit';

/** Accepts "#/audit", "#audit", "#/Audit/", "#/audit?x=1"; anything else is the default. */
export function parseRoute(hash: string): Route {
  const first =
    hash
      .replace(/^#/, '')
      .replace(/^\/+/, '')
      .split(/[/?#&]/, 1)[0] ?? '';
  let name: string;
  try {
    name = decodeURIComponent(first).trim().toLowerCase();
  } catch {
    return DEFAULT_ROUTE;
  }
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE;
}

export const hrefFor = (route: Route): string => `#/${route}`;
