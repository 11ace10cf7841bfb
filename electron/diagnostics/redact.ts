import {
  AUTH_SCHEME,
  BARE_CREDENTIALS,
  NAME_VALUE,
  PEM_PRIVATE_KEY,
  TOKEN_SHAPES,
  URL_CREDENTIALS,
  URL_TOKEN_USER,
  escapeRegExp,
  findIps,
  findUsersAndHosts,
  isAnonymousIp,
  isTrivialSecret,
  kindOfSecretName,
  replaceIps,
  secretKindOfName,
} from './patterns';
import { REDACTION_KINDS, type RedactionKind, type RedactionSummary } from './schema';

export type IdentifierKind = 'host' | 'ip' | 'serial' | 'user';

export interface RedactorOptions {
  /** Replace secrets (default true). */
  redact?: boolean;
  /** Also replace host names, IPs, serials and user names with stable placeholders. */
  anonymize?: boolean;
  /** The user's home directory, shown as `~`. */
  homeDir?: string | null;
}

export function placeholder(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

const PLACEHOLDER_PREFIX = '[REDACTED:';

/**
 * Accounts that identify nobody (system users, board vendors' default users). Replacing them
 * would only garble text such as "the load file needs root".
 */
const SYSTEM_USERS = new Set([
  'root',
  'admin',
  'user',
  'guest',
  'nobody',
  'shell',
  'pi',
  'ubuntu',
  'debian',
  'linaro',
  'radxa',
  'orangepi',
  'firefly',
  'khadas',
]);

/**
 * Replaces secrets (and, when anonymizing, identifying names) in strings and JSON trees and
 * counts what it replaced per kind. Use it in two passes over the same data: `collect(tree)`
 * first learns every secret it can find (values under secret field names, URL passwords,
 * name=value pairs, planted known secrets), then `redact(tree)` replaces those values
 * wherever they appear, so a password that also shows up inside an error message goes too.
 */
export class Redactor {
  readonly redactEnabled: boolean;
  readonly anonymize: boolean;
  private readonly homeDir: string | null;
  private readonly secrets = new Map<string, RedactionKind>();
  private readonly secretIndex = new Map<string, Array<[string, RedactionKind]>>();
  private readonly identifiers = new Map<string, { kind: IdentifierKind; placeholder: string }>();
  private identifierPattern: RegExp | null | undefined;
  private readonly next: Record<IdentifierKind, number> = { host: 0, ip: 0, serial: 0, user: 0 };
  private readonly counts = new Map<RedactionKind, number>();
  private collecting = false;

  constructor(options: RedactorOptions = {}) {
    this.redactEnabled = options.redact ?? true;
    this.anonymize = options.anonymize ?? false;
    const home = options.homeDir?.replace(/[\\/]+$/, '') ?? null;
    this.homeDir = home && home.length > 1 ? home : null;
  }

  /** A value that must not appear anywhere in the output. */
  addSecret(value: string | undefined | null, kind: RedactionKind = 'secret'): void {
    if (!value || isTrivialSecret(value)) return;
    const v = value.trim();
    for (const candidate of new Set([value, v])) {
      if (candidate.length < 4 || this.secrets.has(candidate)) continue;
      this.secrets.set(candidate, kind);
      this.indexSecret(candidate, kind);
    }
  }

  /** Adds one secret to the 4-character prefix index, longest first within its bucket. */
  private indexSecret(secret: string, kind: RedactionKind): void {
    const key = secret.slice(0, 4);
    const bucket = this.secretIndex.get(key);
    if (!bucket) {
      this.secretIndex.set(key, [[secret, kind]]);
      return;
    }
    const at = bucket.findIndex(([other]) => other.length < secret.length);
    bucket.splice(at < 0 ? bucket.length : at, 0, [secret, kind]);
  }

  /** A host name, IP, serial or user name to replace with a stable placeholder when anonymizing. */
  addIdentifier(kind: IdentifierKind, value: string | undefined | null): void {
    if (!this.anonymize || !value) return;
    const v = value.trim();
    if (v.length < 2 || this.identifiers.has(v) || v.startsWith(PLACEHOLDER_PREFIX)) return;
    if (kind === 'host' && (v === 'localhost' || isAnonymousIp(v))) return;
    if (kind === 'ip' && isAnonymousIp(v)) return;
    if (kind === 'user' && SYSTEM_USERS.has(v)) return;
    this.next[kind] += 1;
    this.identifiers.set(v, { kind, placeholder: `${kind}-${this.next[kind]}` });
    this.identifierPattern = undefined;
  }

  /** The placeholder an identifier got (or the value itself when not anonymizing). */
  identifier(value: string): string {
    return this.identifiers.get(value)?.placeholder ?? value;
  }

  /** Learns secrets from a tree without counting anything. */
  collect(tree: unknown): void {
    this.collecting = true;
    try {
      this.redact(tree);
    } finally {
      this.collecting = false;
    }
  }

  /** A deep copy of a JSON tree with secrets replaced. Field names decide secrecy too. */
  redact(tree: unknown, name?: string, inheritedKind: RedactionKind | null = null): unknown {
    const kind =
      inheritedKind ?? (name !== undefined && this.redactEnabled ? secretKindOfName(name) : null);
    if (typeof tree === 'string') return kind ? this.secretValue(tree, kind) : this.text(tree);
    // Numbers are secret only as passwords (a PIN); `tokensPerSecond` is a statistic.
    if (typeof tree === 'number')
      return kind === 'password' ? this.secretValue(String(tree), kind) : tree;
    if (Array.isArray(tree)) return tree.map((item) => this.redact(item, name, kind));
    if (tree && typeof tree === 'object') {
      const obj = tree as Record<string, unknown>;
      // A { name, value } pair (env rows, config rows, probe key/values): the name decides.
      const pairName = typeof obj.name === 'string' && 'value' in obj ? obj.name : undefined;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        out[this.text(k)] =
          k === 'value' && pairName !== undefined && !kind
            ? this.redact(v, pairName)
            : this.redact(v, k, kind);
      }
      return out;
    }
    return tree;
  }

  /** The value of a field known to be secret: replaced whole (empty values stay empty). */
  secretValue(value: string, kind: RedactionKind): string {
    if (!this.redactEnabled || value === '' || value.startsWith(PLACEHOLDER_PREFIX))
      return this.text(value);
    this.addSecret(value, kind);
    this.count(kind);
    return placeholder(kind);
  }

  /** Free text with every secret pattern, known secret and (if asked) identifier replaced. */
  text(input: string): string {
    let s = input;
    if (this.redactEnabled) {
      s = s.replace(PEM_PRIVATE_KEY, (block) => {
        this.addSecret(block, 'private-key');
        return this.hit('private-key');
      });
      s = this.replaceKnownSecrets(s);
      s = s.replace(URL_CREDENTIALS, (_m, scheme: string, user: string, pass: string) => {
        if (pass.startsWith(PLACEHOLDER_PREFIX)) return _m;
        this.addSecret(pass, 'url-credentials');
        this.addIdentifier('user', user);
        return `${scheme}${user}:${this.hit('url-credentials')}@`;
      });
      s = s.replace(URL_TOKEN_USER, (_m, scheme: string, user: string) => {
        if (user.startsWith(PLACEHOLDER_PREFIX)) return _m;
        this.addSecret(user, 'url-credentials');
        return `${scheme}${this.hit('url-credentials')}@`;
      });
      s = s.replace(BARE_CREDENTIALS, (m, lead: string, user: string, pass: string) => {
        if (pass.startsWith(PLACEHOLDER_PREFIX) || pass.startsWith('//')) return m;
        this.addSecret(pass, 'url-credentials');
        this.addIdentifier('user', user);
        return `${lead}${user}:${this.hit('url-credentials')}@`;
      });
      s = s.replace(NAME_VALUE, (m, lead: string, key: string, sep: string, value: string) => {
        const bare = value.replace(/^(["'])(.*)\1$/, '$2');
        if (isTrivialSecret(bare) && !/^(Bearer|Basic|Token)\s/.test(bare)) return m;
        const kind = kindOfSecretName(key);
        this.addSecret(bare.replace(/^(Bearer|Basic|Token)\s+/, ''), kind);
        const quote = value !== bare ? value[0] : '';
        return `${lead}${key}${sep}${quote}${this.hit(kind)}${quote}`;
      });
      s = s.replace(AUTH_SCHEME, (m, scheme: string, token: string) => {
        this.addSecret(token, 'token');
        return `${scheme} ${this.hit('token')}`;
      });
      for (const shape of TOKEN_SHAPES) {
        s = s.replace(shape, (token) => {
          this.addSecret(token, 'token');
          return this.hit('token');
        });
      }
    }
    if (this.homeDir) {
      const home = new RegExp(`${escapeRegExp(this.homeDir)}(?=$|[\\\\/\\s"'):,;\\]}])`, 'g');
      s = s.replace(home, () => this.hit('home-directory', '~'));
    }
    if (this.anonymize) s = this.replaceIdentifiers(s);
    return s;
  }

  /**
   * Replaces every occurrence of every known secret. Overlapping occurrences of different
   * secrets merge into one placeholder, so no byte of either survives. Secrets are indexed by
   * their first 4 characters (all are at least that long), which keeps this linear in the
   * text however many secrets a report has (a log can hold thousands).
   */
  private replaceKnownSecrets(s: string): string {
    if (this.secrets.size === 0 || s.length < 4) return s;
    const spans: Array<[number, number, RedactionKind]> = [];
    for (let i = 0; i <= s.length - 4; i++) {
      const bucket = this.secretIndex.get(s.slice(i, i + 4));
      if (!bucket) continue;
      const hit = bucket.find(([secret]) => s.startsWith(secret, i));
      if (!hit) continue;
      const end = i + hit[0].length;
      const last = spans[spans.length - 1];
      if (last && i < last[1]) last[1] = Math.max(last[1], end);
      else spans.push([i, end, hit[1]]);
    }
    if (spans.length === 0) return s;
    let out = '';
    let at = 0;
    for (const [start, end, kind] of spans) {
      out += s.slice(at, start) + this.hit(kind);
      at = end;
    }
    return out + s.slice(at);
  }

  private replaceIdentifiers(s: string): string {
    if (this.collecting) {
      for (const ip of findIps(s)) this.addIdentifier('ip', ip);
      for (const id of findUsersAndHosts(s)) this.addIdentifier(id.kind, id.value);
      return s;
    }
    let out = s;
    if (this.identifierPattern === undefined) {
      const names = [...this.identifiers.keys()].sort((a, b) => b.length - a.length);
      this.identifierPattern = names.length
        ? new RegExp(
            `(?<![A-Za-z0-9_.-])(?:${names.map(escapeRegExp).join('|')})(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`,
            'g',
          )
        : null;
    }
    if (this.identifierPattern) {
      out = out.replace(this.identifierPattern, (m) => {
        const id = this.identifiers.get(m);
        if (!id) return m;
        return this.hit(id.kind, id.placeholder);
      });
    }
    return replaceIps(out, (ip) => {
      if (isAnonymousIp(ip)) return ip;
      this.addIdentifier('ip', ip);
      const id = this.identifiers.get(ip);
      return id ? this.hit('ip', id.placeholder) : ip;
    });
  }

  private hit(kind: RedactionKind, replacement = placeholder(kind)): string {
    this.count(kind);
    return replacement;
  }

  private count(kind: RedactionKind): void {
    if (this.collecting) return;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** Counts per kind (every kind listed, zeros included), never values. */
  summary(): RedactionSummary {
    const counts: Record<string, number> = {};
    let total = 0;
    for (const kind of REDACTION_KINDS) {
      const n = this.counts.get(kind) ?? 0;
      counts[kind] = n;
      total += n;
    }
    return { enabled: this.redactEnabled, anonymized: this.anonymize, counts, total };
  }
}
