/**
 * Loader of the optional librknnrt addon (native/build/Release/coral_rknn.node) and finder of
 * the runtime library. Never throws: each function says exactly why the local NPU path is not
 * available (not built, build failed, failed to load, library missing, not an RKNN runtime).
 * Build the addon with `npm run build:native`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RKNN_LIBRARY_PATHS } from '../electron/runtime/platform';

export interface NativeTensorAttr {
  index: number;
  name: string;
  nDims: number;
  dims: number[];
  nElems: number;
  size: number;
  /** NCHW, NHWC, NC1HWC2, UNDEFINED (as rknn_benchmark prints them). */
  fmt: string;
  /** FP32, FP16, INT8, UINT8, ... */
  type: string;
  /** NONE, DFP, AFFINE */
  qntType: string;
  fmtCode: number;
  typeCode: number;
  zp: number;
  scale: number;
  wStride: number;
  sizeWithStride: number;
  hStride: number;
  passThrough: boolean;
}

export interface NativeQuery {
  sdkVersion: string | null;
  driverVersion: string | null;
  inputs: NativeTensorAttr[];
  outputs: NativeTensorAttr[];
  memory: { weight: number; internal: number; dma: number; sram: number; freeSram: number } | null;
}

export interface NativeInput {
  index?: number;
  data: ArrayBufferView | ArrayBuffer;
  /** rknn_tensor_type value. */
  type: number;
  /** rknn_tensor_format value. */
  fmt: number;
  passThrough?: boolean;
}

export interface NativeOutput {
  index: number;
  size: number;
  wantFloat: boolean;
  /** A copy in memory V8 owns (safe under Electron's memory cage). */
  data: Buffer;
}

export interface NativeContext {
  query(): NativeQuery;
  /** Microseconds of the last rknn_run, from RKNN_QUERY_PERF_RUN. */
  perfRun(): number;
  setCoreMask(mask: number): void;
  /** Synchronous: call it from a worker thread, not the main thread. */
  run(
    inputs: NativeInput[],
    options?: { wantFloat?: boolean },
  ): { outputs: NativeOutput[]; runMs: number };
  /** Idempotent. */
  destroy(): void;
  readonly destroyed: boolean;
  readonly inputCount: number;
  readonly outputCount: number;
}

export interface RknnAddon {
  Context: new (
    libraryPath: string,
    model: string | ArrayBufferView | ArrayBuffer,
    flags?: number,
  ) => NativeContext;
  openLibrary(libraryPath: string): { path: string; hasSetCoreMask: boolean };
  abi: { tensorAttrSize: number; contextBits: number };
}

/** An error thrown by the addon: `code` is RKNN_ERR_* (with `rknnCode`, `api`) or RKNN_*. */
export interface NativeError extends Error {
  code?: string;
  rknnCode?: number;
  api?: string;
}

export type AddonStatus =
  | { ok: true; state: 'loaded'; path: string; addon: RknnAddon }
  | {
      ok: false;
      state: 'not-built' | 'build-failed' | 'load-failed' | 'unsupported-os';
      path: string;
      reason: string;
    };

export const ADDON_FILE = 'coral_rknn.node';
const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the addon may be: next to this file (source tree), in the app root, unpacked from asar. */
export function addonCandidates(): string[] {
  const list = [
    path.join(here, 'build', 'Release', ADDON_FILE),
    path.join(here, '..', 'native', 'build', 'Release', ADDON_FILE),
  ];
  // Bundled main process: out/main/*.js, two levels below the app root.
  list.push(path.resolve(here, '..', '..', 'native', 'build', 'Release', ADDON_FILE));
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources)
    list.push(path.join(resources, 'app.asar.unpacked', 'native', 'build', 'Release', ADDON_FILE));
  return [...new Set(list.map((p) => path.resolve(p)))];
}

function readBuildStatus(
  addonPath: string,
): { ok: boolean; error?: string; at?: string } | undefined {
  const file = path.join(path.dirname(addonPath), '..', 'build-status.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as {
      ok: boolean;
      error?: string;
      at?: string;
    };
  } catch {
    return undefined;
  }
}

let cached: AddonStatus | undefined;

/** Loads the addon once per process (pass `reload` after building it). */
export function loadRknnAddon(
  options: { reload?: boolean; candidates?: string[] } = {},
): AddonStatus {
  if (cached && !options.reload && !options.candidates) return cached;
  const result = loadUncached(options.candidates ?? addonCandidates());
  if (!options.candidates) cached = result;
  return result;
}

function loadUncached(candidates: string[]): AddonStatus {
  const first = candidates[0] ?? ADDON_FILE;
  if (process.platform !== 'linux') {
    return {
      ok: false,
      state: 'unsupported-os',
      path: first,
      reason: `the local NPU path exists on Linux boards only (this is ${process.platform})`,
    };
  }
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    const status = readBuildStatus(first);
    if (status && !status.ok) {
      return {
        ok: false,
        state: 'build-failed',
        path: first,
        reason: `the native addon failed to build${status.at ? ` (${status.at})` : ''}: ${status.error ?? 'unknown error'}; run \`npm run build:native\` to see the full output`,
      };
    }
    return {
      ok: false,
      state: 'not-built',
      path: first,
      reason: 'the native addon is not built; run `npm run build:native`',
    };
  }
  try {
    const require = createRequire(import.meta.url);
    const addon = require(found) as RknnAddon;
    if (typeof addon?.Context !== 'function' || typeof addon.openLibrary !== 'function') {
      return {
        ok: false,
        state: 'load-failed',
        path: found,
        reason: `${found} is not the Coral RKNN addon`,
      };
    }
    return { ok: true, state: 'loaded', path: found, addon };
  } catch (e) {
    return {
      ok: false,
      state: 'load-failed',
      path: found,
      reason: `${found} could not be loaded: ${(e as Error).message.split('\n')[0]}; rebuild it with \`npm run build:native\``,
    };
  }
}

/** Standard places of the runtime on Rockchip boards (the runtime's platform detection list). */
export const RKNN_LIBRARY_CANDIDATES = [
  ...RKNN_LIBRARY_PATHS.map((p) => `/${p}`),
  '/usr/lib/librknnmrt.so',
];

export const RKNN_LIB_ENV = 'CORAL_RKNN_LIB';

export type LibraryStatus =
  | { ok: true; path: string; version: string | null; tried: string[]; fromEnv: boolean }
  | { ok: false; reason: string; tried: string[]; fromEnv: boolean };

/** Finds librknnrt: CORAL_RKNN_LIB when set (and only it), else the standard places and LD_LIBRARY_PATH. */
export function findRknnLibrary(env: NodeJS.ProcessEnv = process.env): LibraryStatus {
  const override = env[RKNN_LIB_ENV]?.trim();
  if (override) {
    const p = path.resolve(override);
    if (!fs.existsSync(p))
      return {
        ok: false,
        fromEnv: true,
        tried: [p],
        reason: `${RKNN_LIB_ENV}=${override} does not exist`,
      };
    if (!fs.statSync(p).isFile())
      return {
        ok: false,
        fromEnv: true,
        tried: [p],
        reason: `${RKNN_LIB_ENV}=${override} is not a file`,
      };
    return { ok: true, fromEnv: true, path: p, version: librknnrtVersion(p), tried: [p] };
  }
  const fromLdPath = (env.LD_LIBRARY_PATH ?? '')
    .split(':')
    .filter(Boolean)
    .flatMap((d) => [path.join(d, 'librknnrt.so'), path.join(d, 'librknnmrt.so')]);
  const tried = [...new Set([...fromLdPath, ...RKNN_LIBRARY_CANDIDATES])];
  const found = tried.find((p) => fs.existsSync(p));
  if (!found) {
    return {
      ok: false,
      fromEnv: false,
      tried,
      reason: `librknnrt.so was not found (looked in ${tried
        .map((t) => path.dirname(t))
        .filter((d, i, a) => a.indexOf(d) === i)
        .join(', ')}); set ${RKNN_LIB_ENV} to its path`,
    };
  }
  return { ok: true, fromEnv: false, path: found, version: librknnrtVersion(found), tried };
}

const VERSION_MARKERS = ['librknnrt version: ', 'librknnmrt version: '];

/** The version string Rockchip embeds in the library (`2.3.0 (c949ad889d@2024-11-07T11:35:33)`). */
export function librknnrtVersion(file: string): string | null {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).size > 256 * 1024 * 1024) return null;
    bytes = fs.readFileSync(file);
  } catch {
    return null;
  }
  for (const marker of VERSION_MARKERS) {
    const at = bytes.indexOf(marker, 0, 'latin1');
    if (at < 0) continue;
    const start = at + marker.length;
    let end = start;
    while (end < bytes.length && end - start < 200 && bytes[end] >= 0x20 && bytes[end] < 0x7f)
      end++;
    const text = bytes.toString('latin1', start, end).trim();
    if (text) return text;
  }
  return null;
}
