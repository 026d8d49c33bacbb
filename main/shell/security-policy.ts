/**
 * The desktop shell's security rules as plain functions, so they are unit-tested in Node
 * without Electron. main/shell/harden-*.ts apply them to Electron's hooks.
 */

/** The privileged scheme the renderer is served from (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hallmark';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Strict CSP for the renderer: only our own scripts and styles, no eval, no inline script,
 * no network, no frames, no plugins. Sent as a header by the protocol handler and repeated
 * in index.html for the test host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * scheme://host[:port] of a URL, or null if it does not parse. WHATWG's URL.origin is
 * "null" for non-special schemes such as app://, so we build the comparison key ourselves.
 */
export function originOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (!u.protocol || !u.host) return null;
  return `${u.protocol}//${u.host}`.toLowerCase();
}

/** Navigation (will-navigate, will-redirect, will-frame-navigate) is allowed only within our own origin. */
export function isAllowedNavigation(targetUrl: string, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(targetUrl);
  return origin !== null && allowedOrigins.map((o) => o.toLowerCase()).includes(origin);
}

/**
 * An IPC message is trusted only when it comes from a live frame showing our own origin.
 * `event.senderFrame` can be null (the frame navigated or was destroyed): not trusted.
 */
export function isTrustedSender(frameUrl: string | null | undefined, allowedOrigins: readonly string[]): boolean {
  if (typeof frameUrl !== 'string') return false;
  return isAllowedNavigation(frameUrl, allowedOrigins);
}

/** Every web permission (camera, notifications, serial, HID, USB, …) is denied: serial belongs to the main process. */
export function isPermissionGranted(_permission: string): boolean {
  return false;
}
