import { describe, expect, it } from 'vitest';
import {
  allowedHosts,
  hostAllowed,
  newToken,
  originAllowed,
  readCookie,
  tokenMatches,
} from '../../../electron/host/security';

describe('web host gatekeeping', () => {
  it('makes a fresh unguessable token per run', () => {
    const a = newToken();
    const b = newToken();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('accepts only the exact token', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    for (const bad of [
      undefined,
      null,
      '',
      t.slice(1),
      `${t}x`,
      t.toUpperCase() === t ? `${t}A` : t.toUpperCase(),
      ['t'],
      42,
    ]) {
      expect(tokenMatches(t, bad), String(bad)).toBe(false);
    }
  });

  it('answers to loopback names with its own port only', () => {
    const allowed = allowedHosts('127.0.0.1', 4000);
    for (const h of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST:4000', '[::1]:4000'])
      expect(hostAllowed(h, allowed), h).toBe(true);
    for (const h of [
      '127.0.0.1:4001',
      'evil.example:4000',
      '127.0.0.1',
      'localhost.evil.example:4000',
      undefined,
      '',
    ]) {
      expect(hostAllowed(h, allowed), String(h)).toBe(false);
    }
    expect(hostAllowed('[::1]:5000', allowedHosts('::1', 5000))).toBe(true);
  });

  it('accepts WebSocket origins of its own page only', () => {
    const allowed = allowedHosts('127.0.0.1', 4000);
    expect(originAllowed('http://127.0.0.1:4000', allowed)).toBe(true);
    expect(originAllowed('http://localhost:4000', allowed)).toBe(true);
    for (const o of [
      'http://evil.example',
      'http://127.0.0.1:4001',
      'https://127.0.0.1:4000',
      'null',
      'file://',
      'http://127.0.0.1:4000.evil.example',
      '',
      'not a url',
    ]) {
      expect(originAllowed(o, allowed), o).toBe(false);
    }
    // No Origin at all: a non-browser client (it still needs the token).
    expect(originAllowed(undefined, allowed)).toBe(true);
  });

  it('reads one cookie among many', () => {
    expect(readCookie('a=1; coral_token_4000=abc; b=2', 'coral_token_4000')).toBe('abc');
    expect(readCookie('coral_token_4001=abc', 'coral_token_4000')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });
});
