import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualFs, normalize } from '../../../../electron/boards/sim/vfs';
import { tempDir } from '../../../helpers/boards';

let lower: string;
let vfs: VirtualFs;
const user = { uid: 1000, home: '/home/u' };

beforeEach(() => {
  lower = tempDir('coral-vfs-');
  fs.mkdirSync(path.join(lower, 'etc'), { recursive: true });
  fs.mkdirSync(path.join(lower, 'sys/kernel/debug/rknpu'), { recursive: true });
  fs.mkdirSync(path.join(lower, 'tmp'));
  fs.writeFileSync(path.join(lower, 'etc/os-release'), 'ID=test\n');
  fs.writeFileSync(path.join(lower, 'sys/kernel/debug/rknpu/version'), 'RKNPU driver: v0.9.6\n');
  fs.writeFileSync(path.join(lower, 'profile.json'), '{}');
  vfs = new VirtualFs(lower);
});
afterEach(() => {
  vfs.dispose();
  fs.rmSync(lower, { recursive: true, force: true });
});

describe('the virtual filesystem', () => {
  it('never lets a path escape the profile or the writable layer', () => {
    expect(normalize('/../../etc/../etc/os-release')).toBe('/etc/os-release');
    expect(vfs.readFile('/../../../etc/os-release').toString()).toBe('ID=test\n');
  });

  it('writes into its own layer and leaves the profile directory untouched', () => {
    vfs.writeFile('/etc/os-release', 'ID=changed\n');
    expect(vfs.readFile('/etc/os-release').toString()).toBe('ID=changed\n');
    expect(fs.readFileSync(path.join(lower, 'etc/os-release'), 'utf8')).toBe('ID=test\n');
  });

  it('remembers deletions of profile files', () => {
    vfs.remove('/etc/os-release');
    expect(vfs.exists('/etc/os-release')).toBe(false);
    expect(vfs.readdir('/etc')).toEqual([]);
    vfs.writeFile('/etc/os-release', 'ID=new\n');
    expect(vfs.readdir('/etc')).toEqual(['os-release']);
  });

  it('hides profile.json, which is not part of the board', () => {
    expect(vfs.exists('/profile.json')).toBe(false);
    expect(vfs.readdir('/')).not.toContain('profile.json');
  });

  it('computes live files at each read', () => {
    let n = 0;
    vfs.setDynamic('/proc/uptime', () => `${++n}\n`);
    expect(vfs.readFile('/proc/uptime').toString()).toBe('1\n');
    expect(vfs.readFile('/proc/uptime').toString()).toBe('2\n');
    expect(vfs.readdir('/proc')).toEqual(['uptime']);
  });

  it('closes debugfs and system directories to non-root users', () => {
    expect(() => vfs.readFile('/sys/kernel/debug/rknpu/version', user)).toThrowError(
      expect.objectContaining({ code: 'EACCES' }),
    );
    expect(() => vfs.writeFile('/etc/x', 'y', user)).toThrowError(
      expect.objectContaining({ code: 'EACCES' }),
    );
    vfs.writeFile('/tmp/ok', 'y', user);
    expect(vfs.readFile('/tmp/ok', user).toString()).toBe('y');
  });

  it('expands globs per path segment, sorted, relative to the working directory', () => {
    vfs.writeFile('/tmp/b.rknn', 'x');
    vfs.writeFile('/tmp/a.rknn', 'x');
    vfs.writeFile('/tmp/c.txt', 'x');
    expect(vfs.glob('/tmp/*.rknn')).toEqual(['/tmp/a.rknn', '/tmp/b.rknn']);
    expect(vfs.glob('*.rknn', '/tmp')).toEqual(['a.rknn', 'b.rknn']);
    expect(vfs.glob('/tmp/[ac].*')).toEqual(['/tmp/a.rknn', '/tmp/c.txt']);
    expect(vfs.glob('/nope/*')).toEqual([]);
  });

  it('removes its writable layer when disposed', () => {
    vfs.writeFile('/tmp/x', 'y');
    const upper = vfs.upper;
    vfs.dispose();
    expect(fs.existsSync(upper)).toBe(false);
  });
});
