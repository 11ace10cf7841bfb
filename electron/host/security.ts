/**
 * The web host's gatekeeping, as pure functions: the per-run token, the Host header (DNS
 * rebinding), and the Origin of WebSocket upgrades (cross-site WebSocket hijacking).
 */
import crypto from 'node:crypto';

export function newToken(): string {
  return crypto.randomBytes(24).toString('base64url');
}

/** Constant-time comparison; false for anything that is not a string of the same length. */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Host header values this server answers to: loopback names (or the bound address) with its port. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bound =
    boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
  if (bound !== '0.0.0.0' && bound !== '[::]') names.add(bound);
  return new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
}

export function hostAllowed(hostHeader: unknown, allowed: Set<string>): boolean {
  return typeof hostHeader === 'string' && allowed.has(hostHeader.toLowerCase());
}

/**
 * A WebSocket upgrade is accepted only from the page this server served: its Origin must be
 * http://<an allowed host>. Browsers always send Origin on WebSocket handshakes; a missing one
 * means a non-browser client, which must still present the token.
 */
export function originAllowed(origin: unknown, allowed: Set<string>): boolean {
  if (origin === undefined) return true;
  if (typeof origin !== 'string') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && url.pathname === '/' && allowed.has(url.host.toLowerCase());
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: unknown, name: string): string | undefined {
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
