import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mimeType, resolveStaticPath } from '../../../electron/host/static';
import { tempDir } from '../../helpers/plugins';

describe('static files of the web host', () => {
  const root = tempDir('coral-static-');
  fs.writeFileSync(path.join(root, 'index.html'), 'x');
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'assets', 'a b.js'), 'x');
  fs.writeFileSync(path.join(root, '.env'), 'secret');

  it('maps / to index.html and decodes names', () => {
    expect(resolveStaticPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/a%20b.js')).toBe(path.join(root, 'assets', 'a b.js'));
  });

  it('never leaves the root, serves no hidden files and no directories', () => {
    for (const p of [
      '/../x',
      '/assets/../../x',
      '/%2e%2e/x',
      '/..%2fx',
      '/.env',
      '/assets',
      '/assets/',
      '/%00',
      '/a\\..\\b',
      '/%E0%A4%A',
    ]) {
      expect(resolveStaticPath(root, p), p).toBeUndefined();
    }
  });

  it('names the types browsers need to run the app under nosniff', () => {
    expect(mimeType('x.js')).toMatch(/^text\/javascript/);
    expect(mimeType('x.css')).toMatch(/^text\/css/);
    expect(mimeType('x.html')).toMatch(/^text\/html/);
    expect(mimeType('x.bin')).toBe('application/octet-stream');
  });
});
