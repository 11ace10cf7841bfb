/**
 * ~/.ssh/config through the ssh-config library: resolves a target (alias or host) to the
 * HostName, User, Port and IdentityFile OpenSSH would use, and lists aliases for the UI.
 * `Include` is expanded here (the library does not read files).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SSHConfig from 'ssh-config';

export interface ResolvedSshHost {
  /** What the user typed (alias or host). */
  name: string;
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** True when a Host block of the config matched the name. */
  fromConfig: boolean;
  /** Options we saw but do not support (ProxyJump, ProxyCommand): said, not ignored silently. */
  unsupported: string[];
}

export interface SshAlias {
  alias: string;
  hostName?: string;
  user?: string;
  port?: number;
}

export function defaultSshConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME ?? os.homedir(), '.ssh', 'config');
}

function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? path.join(home, p.slice(2)) : p;
}

/** Reads a config file with its Include directives inlined (depth-limited like OpenSSH). */
export function readSshConfigText(file: string, home: string, depth = 0): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  if (depth > 8) return text;
  return text
    .split(/\r?\n/)
    .map((line) => {
      const m = /^\s*Include\s+(.+?)\s*$/i.exec(line);
      if (!m) return line;
      return m[1]
        .split(/\s+/)
        .flatMap((pattern) => {
          let p = expandTilde(pattern.replace(/^"|"$/g, ''), home);
          if (!path.isAbsolute(p)) p = path.join(home, '.ssh', p);
          return expandGlob(p);
        })
        .map((f) => readSshConfigText(f, home, depth + 1))
        .join('\n');
    })
    .join('\n');
}

function expandGlob(p: string): string[] {
  if (!/[*?]/.test(p)) return [p];
  const dir = path.dirname(p);
  const re = new RegExp(
    `^${path
      .basename(p)
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => re.test(f))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function expandTokens(
  p: string,
  vars: { home: string; host: string; user: string; port: number; localUser: string },
): string {
  return expandTilde(p, vars.home).replace(/%([%dhrpu])/g, (_, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'd':
        return vars.home;
      case 'h':
        return vars.host;
      case 'r':
        return vars.user;
      case 'p':
        return String(vars.port);
      default:
        return vars.localUser;
    }
  });
}

export interface ResolveOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  user?: string;
  port?: number;
}

export function resolveSshHost(name: string, options: ResolveOptions = {}): ResolvedSshHost {
  const env = options.env ?? process.env;
  const home = env.HOME ?? os.homedir();
  const localUser = env.USER ?? os.userInfo().username;
  const configPath = options.configPath ?? defaultSshConfigPath(env);
  const config = SSHConfig.parse(readSshConfigText(configPath, home));
  const computed = config.compute(name, { ignoreCase: true }) as Record<string, string | string[]>;
  const fromConfig = config.some(
    (line) =>
      line.type === SSHConfig.DIRECTIVE &&
      /^host$/i.test(line.param) &&
      all(hostValues(line.value)).some((h) => h !== '*' && globMatch(h, name)),
  );
  const hostName = first(computed.hostname) ?? name;
  const port = options.port ?? Number(first(computed.port) ?? 22);
  const user = options.user ?? first(computed.user) ?? localUser;
  const vars = { home, host: hostName, user, port, localUser };
  const identityFiles = all(computed.identityfile).map((f) => expandTokens(f, vars));
  const unsupported = ['proxyjump', 'proxycommand'].filter(
    (k) => computed[k] !== undefined && first(computed[k]) !== 'none',
  );
  return {
    name,
    hostName: hostName.replace(/%h/g, name),
    port: Number.isFinite(port) ? port : 22,
    user,
    identityFiles,
    identitiesOnly: /^yes$/i.test(first(computed.identitiesonly) ?? ''),
    fromConfig,
    unsupported: unsupported.map((k) => (k === 'proxyjump' ? 'ProxyJump' : 'ProxyCommand')),
  };
}

function hostValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/\s+/);
  if (Array.isArray(value))
    return value.map((v: { val: string } | string) => (typeof v === 'string' ? v : v.val));
  return [];
}

function globMatch(pattern: string, name: string): boolean {
  if (pattern.startsWith('!')) return false;
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(name);
}

/** Host aliases without wildcards, for the "add a board" form. */
export function listSshAliases(
  options: { configPath?: string; env?: NodeJS.ProcessEnv } = {},
): SshAlias[] {
  const env = options.env ?? process.env;
  const home = env.HOME ?? os.homedir();
  const configPath = options.configPath ?? defaultSshConfigPath(env);
  const config = SSHConfig.parse(readSshConfigText(configPath, home));
  const out: SshAlias[] = [];
  const seen = new Set<string>();
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) continue;
    for (const alias of hostValues(line.value)) {
      if (/[*?!]/.test(alias) || seen.has(alias)) continue;
      seen.add(alias);
      const c = config.compute(alias, { ignoreCase: true }) as Record<string, string | string[]>;
      const port = first(c.port);
      out.push({
        alias,
        ...(first(c.hostname) ? { hostName: first(c.hostname) } : {}),
        ...(first(c.user) ? { user: first(c.user) } : {}),
        ...(port ? { port: Number(port) } : {}),
      });
    }
  }
  return out;
}

/** The identity files OpenSSH tries when the config names none. */
export function defaultIdentityFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? os.homedir();
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(home, '.ssh', f));
}
