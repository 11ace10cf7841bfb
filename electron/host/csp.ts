/**
 * The app's Content Security Policy, one definition for the Electron window (response header on
 * the dev server, meta tag in renderer/index.html for file://) and the web host (header).
 * No inline scripts, no eval, no remote origins; the only connection is back to the app itself
 * ('self' also covers the web host's own ws:// origin).
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['object-src', "'none'"],
];

/**
 * The policy as a string. `header` adds what a meta tag cannot carry (frame-ancestors).
 * renderer/index.html holds the meta variant verbatim; a unit test keeps the two equal.
 */
export function contentSecurityPolicy(variant: 'header' | 'meta' = 'header'): string {
  const directives = [...CSP_DIRECTIVES];
  if (variant === 'header') directives.push(['frame-ancestors', "'none'"]);
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}

/** Response headers every page and asset gets from the web host. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy('header'),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}
