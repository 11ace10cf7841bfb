/**
 * The virtual board's filesystem: the profile directory as a read-only lower layer, a
 * private temp directory as the writable upper layer (pushed models land there), deletions
 * remembered as whiteouts, and live files (/proc/stat, NPU load, temperatures) computed on
 * each read. Paths never escape either layer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type FileType = 'file' | 'dir';

export interface VStat {
  type: FileType;
  size: number;
  mode: number;
  mtimeMs: number;
}

export class VfsError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EACCES' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL',
    readonly vpath: string,
  ) {
    super(`${vpath}: ${VfsError.text(code)}`);
  }
  static text(code: string): string {
    switch (code) {
      case 'ENOENT':
        return 'No such file or directory';
      case 'EACCES':
        return 'Permission denied';
      case 'EISDIR':
        return 'Is a directory';
      case 'ENOTDIR':
        return 'Not a directory';
      case 'EEXIST':
        return 'File exists';
      case 'ENOTEMPTY':
        return 'Directory not empty';
      default:
        return 'Invalid argument';
    }
  }
  get reason(): string {
    return VfsError.text(this.code);
  }
}

export type DynamicFile = () => string | Buffer;

/** The files a profile keeps for itself (not part of the board's filesystem). */
const HIDDEN = new Set(['/profile.json', '/README.md']);

export function normalize(p: string, cwd = '/'): string {
  const abs = p.startsWith('/') ? p : `${cwd.replace(/\/$/, '')}/${p}`;
  const parts: string[] = [];
  for (const seg of abs.split('/')) {
    if (!seg || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

export interface VfsUser {
  uid: number;
  home: string;
}

export class VirtualFs {
  readonly upper: string;
  private readonly whiteouts = new Set<string>();
  private readonly dynamic = new Map<string, DynamicFile>();
  private resolvers: Array<(vpath: string) => DynamicFile | undefined> = [];
  /** Paths only root may read (debugfs is mode 0700 on real boards). */
  readonly rootOnly = ['/sys/kernel/debug'];

  constructor(readonly lower: string) {
    this.upper = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-sim-fs-'));
  }

  dispose(): void {
    fs.rmSync(this.upper, { recursive: true, force: true });
  }

  /** Registers a file whose content is computed at each read. */
  setDynamic(vpath: string, fn: DynamicFile): void {
    this.dynamic.set(normalize(vpath), fn);
  }

  /** Adds files computed from their path, e.g. /proc/<pid>/stat of virtual processes. */
  addResolver(fn: (vpath: string) => DynamicFile | undefined): void {
    this.resolvers.push(fn);
  }

  private real(layer: string, vpath: string): string {
    const p = path.join(layer, ...vpath.split('/').filter(Boolean));
    if (p !== layer && !p.startsWith(layer + path.sep)) throw new VfsError('EACCES', vpath);
    return p;
  }

  private whitedOut(vpath: string): boolean {
    for (let p = vpath; ; p = path.posix.dirname(p)) {
      if (this.whiteouts.has(p)) return true;
      if (p === '/') return false;
    }
  }

  private checkAccess(vpath: string, user: VfsUser | undefined, write: boolean): void {
    if (!user || user.uid === 0) return;
    if (this.rootOnly.some((r) => vpath === r || vpath.startsWith(`${r}/`))) {
      throw new VfsError('EACCES', vpath);
    }
    if (write) {
      const okDirs = ['/tmp', user.home, '/userdata', '/data/local/tmp'];
      if (!okDirs.some((d) => vpath === d || vpath.startsWith(`${d}/`)))
        throw new VfsError('EACCES', vpath);
    }
  }

  /** Resolves a path to a real file in the upper or lower layer, or a dynamic entry. */
  private locate(
    vpath: string,
  ): { real?: string; dyn?: DynamicFile; stat: fs.Stats | VStat } | null {
    let dyn = this.dynamic.get(vpath);
    for (const r of this.resolvers) dyn ??= r(vpath);
    if (dyn) return { dyn, stat: { type: 'file', size: 0, mode: 0o444, mtimeMs: Date.now() } };
    const up = this.real(this.upper, vpath);
    const upStat = fs.statSync(up, { throwIfNoEntry: false });
    if (upStat) return { real: up, stat: upStat };
    if (HIDDEN.has(vpath) || this.whitedOut(vpath)) return null;
    const low = this.real(this.lower, vpath);
    const lowStat = fs.statSync(low, { throwIfNoEntry: false });
    if (lowStat) return { real: low, stat: lowStat };
    // a dynamic file's parent directories exist too
    for (const d of this.dynamic.keys()) {
      if (d.startsWith(`${vpath}/`))
        return { stat: { type: 'dir', size: 0, mode: 0o755, mtimeMs: Date.now() } };
    }
    return null;
  }

  stat(vpath: string, user?: VfsUser): VStat {
    const p = normalize(vpath);
    this.checkAccess(p, user, false);
    if (p === '/') return { type: 'dir', size: 4096, mode: 0o755, mtimeMs: 0 };
    const loc = this.locate(p);
    if (!loc) throw new VfsError('ENOENT', vpath);
    const s = loc.stat;
    if ('isDirectory' in s) {
      return {
        type: s.isDirectory() ? 'dir' : 'file',
        size: s.size,
        mode: s.mode & 0o7777,
        mtimeMs: s.mtimeMs,
      };
    }
    return s;
  }

  exists(vpath: string, user?: VfsUser): boolean {
    try {
      this.stat(vpath, user);
      return true;
    } catch {
      return false;
    }
  }

  readFile(vpath: string, user?: VfsUser): Buffer {
    const p = normalize(vpath);
    this.checkAccess(p, user, false);
    const loc = this.locate(p);
    if (!loc) throw new VfsError('ENOENT', vpath);
    if (loc.dyn) {
      const v = loc.dyn();
      return Buffer.isBuffer(v) ? v : Buffer.from(v);
    }
    if (!loc.real) throw new VfsError('EISDIR', vpath);
    if (fs.statSync(loc.real).isDirectory()) throw new VfsError('EISDIR', vpath);
    return fs.readFileSync(loc.real);
  }

  /** The real path to stream a large file from (or null for dynamic files). */
  realPathForRead(vpath: string, user?: VfsUser): string | null {
    const p = normalize(vpath);
    this.checkAccess(p, user, false);
    const loc = this.locate(p);
    if (!loc) throw new VfsError('ENOENT', vpath);
    return loc.real ?? null;
  }

  readdir(vpath: string, user?: VfsUser): string[] {
    const p = normalize(vpath);
    this.checkAccess(p, user, false);
    if (p !== '/' && this.stat(p).type !== 'dir') throw new VfsError('ENOTDIR', vpath);
    const names = new Set<string>();
    for (const layer of [this.lower, this.upper]) {
      const real = this.real(layer, p);
      try {
        for (const n of fs.readdirSync(real)) names.add(n);
      } catch {
        // not in this layer
      }
    }
    for (const d of this.dynamic.keys()) {
      if (d.startsWith(p === '/' ? '/' : `${p}/`)) {
        const rest = d.slice(p === '/' ? 1 : p.length + 1);
        names.add(rest.split('/')[0]);
      }
    }
    return [...names]
      .filter((n) => {
        const child = p === '/' ? `/${n}` : `${p}/${n}`;
        return (
          !HIDDEN.has(child) &&
          (!this.whitedOut(child) || fs.existsSync(this.real(this.upper, child)))
        );
      })
      .sort();
  }

  /** Creates the upper-layer copy of a directory chain. */
  private ensureUpperDir(vdir: string): void {
    fs.mkdirSync(this.real(this.upper, vdir), { recursive: true });
    for (let p = vdir; p !== '/'; p = path.posix.dirname(p)) this.whiteouts.delete(p);
  }

  writeFile(
    vpath: string,
    data: Buffer | string,
    user?: VfsUser,
    opts: { append?: boolean; mode?: number } = {},
  ): void {
    const p = normalize(vpath);
    this.checkAccess(p, user, true);
    if (this.dynamic.has(p)) throw new VfsError('EACCES', vpath);
    const parent = path.posix.dirname(p);
    if (parent !== '/' && (!this.exists(parent) || this.stat(parent).type !== 'dir'))
      throw new VfsError('ENOENT', vpath);
    if (this.exists(p) && this.stat(p).type === 'dir') throw new VfsError('EISDIR', vpath);
    this.ensureUpperDir(parent);
    const real = this.real(this.upper, p);
    if (opts.append && !fs.existsSync(real) && this.exists(p))
      fs.writeFileSync(real, this.readFile(p));
    if (opts.append) fs.appendFileSync(real, data);
    else fs.writeFileSync(real, data, { mode: opts.mode ?? 0o644 });
    this.whiteouts.delete(p);
  }

  /** Opens a real file in the upper layer for streaming writes (sync push, sftp). */
  openForWrite(vpath: string, user?: VfsUser, mode = 0o644): number {
    const p = normalize(vpath);
    this.checkAccess(p, user, true);
    const parent = path.posix.dirname(p);
    if (parent !== '/' && (!this.exists(parent) || this.stat(parent).type !== 'dir'))
      throw new VfsError('ENOENT', vpath);
    if (this.exists(p) && this.stat(p).type === 'dir') throw new VfsError('EISDIR', vpath);
    this.ensureUpperDir(parent);
    this.whiteouts.delete(p);
    return fs.openSync(this.real(this.upper, p), 'w', mode);
  }

  mkdir(vpath: string, user?: VfsUser, recursive = false): void {
    const p = normalize(vpath);
    this.checkAccess(p, user, true);
    if (this.exists(p)) {
      if (recursive && this.stat(p).type === 'dir') return;
      throw new VfsError('EEXIST', vpath);
    }
    const parent = path.posix.dirname(p);
    if (!recursive && parent !== '/' && !this.exists(parent)) throw new VfsError('ENOENT', vpath);
    this.ensureUpperDir(p);
  }

  remove(vpath: string, user?: VfsUser, recursive = false): void {
    const p = normalize(vpath);
    this.checkAccess(p, user, true);
    const st = this.stat(p);
    if (st.type === 'dir' && !recursive && this.readdir(p).length)
      throw new VfsError('ENOTEMPTY', vpath);
    fs.rmSync(this.real(this.upper, p), { recursive: true, force: true });
    if (fs.existsSync(this.real(this.lower, p))) this.whiteouts.add(p);
  }

  rename(from: string, to: string, user?: VfsUser): void {
    const a = normalize(from);
    const b = normalize(to);
    const data = this.readFile(a, user);
    const mode = this.stat(a).mode;
    this.writeFile(b, data, user, { mode });
    this.remove(a, user);
  }

  chmod(vpath: string, mode: number, user?: VfsUser): void {
    const p = normalize(vpath);
    this.checkAccess(p, user, true);
    const up = this.real(this.upper, p);
    if (!fs.existsSync(up)) {
      const st = this.stat(p);
      if (st.type === 'dir') this.ensureUpperDir(p);
      else this.writeFile(p, this.readFile(p), user);
    }
    fs.chmodSync(up, mode);
  }

  /** Expands a glob (`*`, `?`, `[...]` per path segment); sorted; empty when nothing matches. */
  glob(pattern: string, cwd = '/', user?: VfsUser): string[] {
    const abs = pattern.startsWith('/');
    const segs = normalize(pattern, cwd).split('/').filter(Boolean);
    let paths = ['/'];
    for (const seg of segs) {
      const next: string[] = [];
      const isGlob = /[*?[]/.test(seg);
      const re = isGlob ? globSegment(seg) : null;
      for (const base of paths) {
        if (!re) {
          const p = base === '/' ? `/${seg}` : `${base}/${seg}`;
          if (this.exists(p)) next.push(p);
          continue;
        }
        let names: string[];
        try {
          names = this.readdir(base, user);
        } catch {
          continue;
        }
        for (const n of names) {
          if (n.startsWith('.') && !seg.startsWith('.')) continue;
          if (re.test(n)) next.push(base === '/' ? `/${n}` : `${base}/${n}`);
        }
      }
      paths = next;
    }
    const sorted = paths.sort();
    if (abs) return sorted;
    const prefix = cwd === '/' ? '/' : `${cwd}/`;
    return sorted.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p));
  }
}

export function globSegment(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = seg.slice(i + 1, end);
        if (cls.startsWith('!')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
