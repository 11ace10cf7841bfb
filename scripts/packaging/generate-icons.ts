/**
 * Renders resources/icons/icon.svg into every icon the installers need:
 *   icon.png           512 px, the window icon at run time and electron-builder's fallback
 *   png/<N>x<N>.png    Linux icon set (AppImage, deb): 16 … 512
 *   icon.ico           Windows (exe, NSIS installer): 16 … 256
 *   icon.icns          macOS (app bundle, dmg): 16 … 1024 incl. @2x
 *   icons.json         what was generated from which SVG (sha256), so a test can tell when the
 *                      SVG changed without the icons being regenerated
 *
 * Usage: npm run icons            (writes resources/icons)
 *        npm run icons -- --check (exit 1 when the committed icons are stale)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { encodeIcns, encodeIco, ICNS_TYPES, type IconImage, unpremultiply } from './icon-formats';

export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
export const RUNTIME_ICON_SIZE = 512;

export interface IconManifest {
  source: string;
  sourceSha256: string;
  files: Record<string, { sha256: string }>;
}

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function render(svg: Buffer, size: number): IconImage {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    background: 'rgba(0,0,0,0)',
  }).render();
  if (rendered.width !== size || rendered.height !== size) {
    throw new Error(
      `icon.svg must be square: rendering at ${size}px gave ${rendered.width}x${rendered.height}`,
    );
  }
  return { size, png: Buffer.from(rendered.asPng()), rgba: unpremultiply(rendered.pixels) };
}

/** Renders every icon file from the SVG; keys are paths relative to resources/icons. */
export function generateIcons(svg: Buffer): Map<string, Buffer> {
  const sizes = new Set<number>([
    ...LINUX_SIZES,
    ...ICO_SIZES,
    ...Object.values(ICNS_TYPES),
    RUNTIME_ICON_SIZE,
  ]);
  const images = new Map<number, IconImage>();
  for (const size of [...sizes].sort((a, b) => a - b)) images.set(size, render(svg, size));
  const pick = (size: number): IconImage => images.get(size) as IconImage;

  const files = new Map<string, Buffer>();
  files.set('icon.png', pick(RUNTIME_ICON_SIZE).png);
  for (const size of LINUX_SIZES) files.set(`png/${size}x${size}.png`, pick(size).png);
  files.set('icon.ico', encodeIco(ICO_SIZES.map(pick)));
  files.set('icon.icns', encodeIcns(new Map([...images].map(([size, img]) => [size, img.png]))));
  return files;
}

export function buildManifest(svg: Buffer, files: ReadonlyMap<string, Buffer>): IconManifest {
  const out: IconManifest = { source: 'icon.svg', sourceSha256: sha256(svg), files: {} };
  for (const [rel, data] of [...files].sort(([a], [b]) => a.localeCompare(b)))
    out.files[rel] = { sha256: sha256(data) };
  return out;
}

/**
 * Problems with the committed icon set: the SVG changed since the icons were generated, or a
 * listed file is missing or differs from what the manifest recorded. Empty when up to date.
 */
export function staleIcons(iconsDir: string): string[] {
  const problems: string[] = [];
  let manifest: IconManifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(iconsDir, 'icons.json'), 'utf8')) as IconManifest;
  } catch (err) {
    return [
      `${path.join(iconsDir, 'icons.json')} is missing or not JSON (${(err as Error).message}); run npm run icons`,
    ];
  }
  const svg = readFileSync(path.join(iconsDir, manifest.source));
  if (sha256(svg) !== manifest.sourceSha256) {
    problems.push(`${manifest.source} changed after the icons were generated; run npm run icons`);
  }
  for (const [rel, { sha256: expected }] of Object.entries(manifest.files)) {
    let data: Buffer;
    try {
      data = readFileSync(path.join(iconsDir, rel));
    } catch {
      problems.push(`${rel} is listed in icons.json but missing; run npm run icons`);
      continue;
    }
    if (sha256(data) !== expected)
      problems.push(`${rel} differs from the generated file; run npm run icons`);
  }
  return problems;
}

export function writeIcons(iconsDir: string): string[] {
  const svg = readFileSync(path.join(iconsDir, 'icon.svg'));
  const files = generateIcons(svg);
  for (const [rel, data] of files) {
    mkdirSync(path.dirname(path.join(iconsDir, rel)), { recursive: true });
    writeFileSync(path.join(iconsDir, rel), data);
  }
  writeFileSync(
    path.join(iconsDir, 'icons.json'),
    `${JSON.stringify(buildManifest(svg, files), null, 2)}\n`,
  );
  return [...files.keys()];
}

function main(argv: string[]): number {
  const iconsDir = path.resolve(fileURLToPath(new URL('../../resources/icons', import.meta.url)));
  if (argv.includes('--check')) {
    const problems = staleIcons(iconsDir);
    for (const p of problems) console.error(p);
    if (problems.length === 0) console.log('icons are up to date with icon.svg');
    return problems.length === 0 ? 0 : 1;
  }
  const written = writeIcons(iconsDir);
  console.log(
    `wrote ${written.length} icon files to ${path.relative(process.cwd(), iconsDir)}: ${written.join(', ')}`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
