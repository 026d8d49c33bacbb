import { app, protocol, type Session } from 'electron';
import { readFile } from 'node:fs/promises';
import { resolveAppAsset, mimeTypeFor } from './app-asset.js';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, isAllowedNavigation, isPermissionGranted } from './security-policy.js';

/** Must run before app 'ready': app:// behaves like https (secure, standard, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from app://hallmark with the CSP header. */
export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveAppAsset(rendererDir, request.url);
    if (!path) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(path);
      return new Response(body, {
        headers: {
          'Content-Type': mimeTypeFor(path),
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Denies every permission and device request; serial ports belong to the main process. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_wc, permission) => isPermissionGranted(permission));
  session.setDevicePermissionHandler(() => false);
  session.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/** Blocks navigation away from our origin, new windows and webviews in every web contents. */
export function lockDownWebContents(allowedOrigins: readonly string[]): void {
  app.on('web-contents-created', (_event, contents) => {
    const guard = (event: { preventDefault(): void }, url: string) => {
      if (!isAllowedNavigation(url, allowedOrigins)) event.preventDefault();
    };
    contents.on('will-navigate', (event) => guard(event, event.url));
    contents.on('will-frame-navigate', (event) => guard(event, event.url));
    contents.on('will-redirect', (event) => guard(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
