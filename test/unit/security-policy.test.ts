import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, isAllowedNavigation, isPermissionGranted, isTrustedSender, originOf } from '../../main/shell/security-policy.js';
import { resolveAppAsset } from '../../main/shell/app-asset.js';

const allowed = [APP_ORIGIN];

describe('navigation policy', () => {
  it('computes an origin for the custom scheme (URL.origin would say "null")', () => {
    expect(new URL('app://hallmark/index.html').origin).toBe('null');
    expect(originOf('app://hallmark/index.html#/audit')).toBe('app://hallmark');
  });

  it('allows navigation inside the app', () => {
    expect(isAllowedNavigation('app://hallmark/index.html#/audit', allowed)).toBe(true);
    expect(isAllowedNavigation('APP://HALLMARK/x', allowed)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'app://evil/index.html',
    'app://hallmark.evil.com/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
    '',
  ])('blocks a renderer asking to navigate to %s', (url) => {
    expect(isAllowedNavigation(url, allowed)).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('trusts only a live frame on the app origin', () => {
    expect(isTrustedSender('app://hallmark/index.html', allowed)).toBe(true);
    expect(isTrustedSender(null, allowed)).toBe(false);
    expect(isTrustedSender(undefined, allowed)).toBe(false);
    expect(isTrustedSender('https://example.com/', allowed)).toBe(false);
    expect(isTrustedSender('file:///tmp/x.html', allowed)).toBe(false);
  });
});

describe('permissions and CSP', () => {
  it.each(['media', 'notifications', 'serial', 'hid', 'usb', 'geolocation', 'clipboard-read'])('denies %s', (p) => {
    expect(isPermissionGranted(p)).toBe(false);
  });

  it('allows only our own scripts: no inline, no eval, no remote', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name ?? '', values] as const;
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
  });
});

describe('app:// asset resolution', () => {
  const root = '/opt/hallmark/renderer';
  it('maps the root and files inside the renderer directory', () => {
    expect(resolveAppAsset(root, 'app://hallmark/')).toBe('/opt/hallmark/renderer/index.html');
    expect(resolveAppAsset(root, 'app://hallmark/assets/index.js?x=1#y')).toBe('/opt/hallmark/renderer/assets/index.js');
  });

  it('keeps dot segments inside the renderer directory (the URL parser resolves them first)', () => {
    expect(resolveAppAsset(root, 'app://hallmark/../../etc/passwd')).toBe('/opt/hallmark/renderer/etc/passwd');
    expect(resolveAppAsset(root, 'app://hallmark/%2e%2e/%2e%2e/etc/passwd')).toBe('/opt/hallmark/renderer/etc/passwd');
  });

  it.each([
    'app://hallmark/..%2f..%2fetc%2fpasswd',
    'app://hallmark/assets/%00.js',
    'app://hallmark/%E0%A4%A',
    'app://other/index.html',
    'https://hallmark/index.html',
    'garbage',
  ])('refuses %s', (url) => {
    expect(resolveAppAsset(root, url)).toBeNull();
  });
});
