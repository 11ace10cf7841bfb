/**
 * Where the window may go (pure; no 'electron' import). The app's own page only; links to the
 * web open in the OS browser only when they pass isSafeExternalUrl.
 */

/** True when `url` is the app's page (same file, or same dev-server origin), any hash/query. */
export function isAppUrl(url: string, appUrl: string): boolean {
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
  return u.origin === app.origin;
}

/** https only, a real host, no credentials: what may be handed to shell.openExternal. */
export function isSafeExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (
    u.protocol === 'https:' &&
    u.hostname.length > 0 &&
    !u.username &&
    !u.password &&
    url.length <= 2048
  );
}
