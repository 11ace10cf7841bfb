import { CoralError } from '../runtime/errors';

/** A board address as the user typed it, parsed. */
export type BoardTarget =
  | {
      kind: 'ssh';
      /** Host name, address or an alias from ~/.ssh/config (resolved later). */
      host: string;
      port?: number;
      user?: string;
      /** True when written as a bare name that may be a ~/.ssh/config Host alias. */
      maybeAlias: boolean;
      raw: string;
    }
  | { kind: 'adb'; serial: string; raw: string }
  | { kind: 'adb-tcp'; host: string; port: number; raw: string };

const TARGET_HINT =
  'Use ssh://user@host[:port], a Host alias from ~/.ssh/config, adb:SERIAL or adb+tcp://host[:port].';

function invalid(raw: string, why: string): CoralError {
  return new CoralError('BOARD_TARGET_INVALID', `The board target "${raw}" ${why}.`, {
    hint: TARGET_HINT,
  });
}

function parsePort(raw: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw invalid(raw, `has an invalid port "${text}"`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw invalid(raw, `has a port out of range (${port})`);
  return port;
}

/** Splits `host[:port]` or `[v6]:port`; the port is optional. */
function splitHostPort(raw: string, text: string): { host: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (v6) {
    return v6[2] === undefined ? { host: v6[1] } : { host: v6[1], port: parsePort(raw, v6[2]) };
  }
  const parts = text.split(':');
  if (parts.length > 2) throw invalid(raw, 'has an IPv6 address without [brackets]');
  const host = parts[0];
  if (!host) throw invalid(raw, 'has no host');
  if (!/^[A-Za-z0-9._%-]+$/.test(host)) throw invalid(raw, `has an invalid host "${host}"`);
  return parts.length === 2 ? { host, port: parsePort(raw, parts[1]) } : { host };
}

export function parseTarget(input: string): BoardTarget {
  const raw = input.trim();
  if (!raw) throw invalid(input, 'is empty');
  if (/\s/.test(raw)) throw invalid(raw, 'contains spaces');

  if (raw.startsWith('adb:')) {
    const serial = raw.slice(4);
    if (!serial || serial.startsWith('//')) throw invalid(raw, 'has no device serial after adb:');
    return { kind: 'adb', serial, raw };
  }
  if (raw.startsWith('adb+tcp://')) {
    const { host, port } = splitHostPort(raw, raw.slice('adb+tcp://'.length).replace(/\/$/, ''));
    return { kind: 'adb-tcp', host, port: port ?? 5555, raw };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  let rest = raw;
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'ssh')
      throw invalid(raw, `uses an unknown scheme "${scheme[1]}"`);
    rest = raw.slice(scheme[0].length).replace(/\/$/, '');
    if (!rest) throw invalid(raw, 'has no host');
  }
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user || !/^[A-Za-z0-9._-]+$/.test(user))
      throw invalid(raw, `has an invalid user "${user}"`);
  }
  const { host, port } = splitHostPort(raw, rest);
  return {
    kind: 'ssh',
    host,
    ...(port !== undefined ? { port } : {}),
    ...(user !== undefined ? { user } : {}),
    maybeAlias: !scheme && user === undefined && port === undefined,
    raw,
  };
}

/** The canonical text of a target (what the store saves and the UI shows). */
export function formatTarget(t: BoardTarget): string {
  switch (t.kind) {
    case 'adb':
      return `adb:${t.serial}`;
    case 'adb-tcp':
      return `adb+tcp://${hostPort(t.host, t.port)}`;
    case 'ssh':
      if (t.maybeAlias) return t.host;
      return `ssh://${t.user ? `${t.user}@` : ''}${t.port ? hostPort(t.host, t.port) : bracket(t.host)}`;
  }
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export function hostPort(host: string, port: number): string {
  return `${bracket(host)}:${port}`;
}
