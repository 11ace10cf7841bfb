/**
 * Serves the built renderer (out/renderer) read-only: GET/HEAD of files under one directory,
 * nothing else. Paths are resolved and checked to stay inside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CoralError } from '../runtime/errors';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Checks that a directory holds a built renderer; throws RENDERER_NOT_BUILT otherwise. */
export function checkRendererDir(dir: string): string {
  const abs = path.resolve(dir);
  if (!fs.existsSync(path.join(abs, 'index.html'))) {
    throw new CoralError('RENDERER_NOT_BUILT', `No built UI in ${abs} (index.html is missing).`, {
      hint: 'Run `npm run build` first (npm start does it for you).',
    });
  }
  return abs;
}

/**
 * Maps a URL path to a file inside `root`, or undefined when it is outside, hidden, or absent.
 * `/` is index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (rel.split('/').some((seg) => seg === '..' || seg.startsWith('.'))) return undefined;
  const file = path.resolve(root, rel);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
