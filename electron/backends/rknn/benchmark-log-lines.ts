/**
 * The lines rknn_benchmark prints, as patterns, and the helpers that turn them into values.
 * Split from benchmark-log.ts (the parser's state machine) to keep each file readable.
 */
import type { RknnLogTensor } from './benchmark-log-types';

export const RE_VERSION =
  /^(?:rknn_api\/rknnrt|sdk|api) version:\s*(.+?),?\s+driver version:\s*(.+?)\s*$/i;
export const RE_MEM_A = /^total weight size:\s*(-?\d+),\s*total internal size:\s*(-?\d+)/i;
export const RE_MEM_B = /^total dma used size:\s*(-?\d+)/i;
export const RE_IO = /^model input num:\s*(\d+),\s*output num:\s*(\d+)/i;
export const RE_SECTION = /^(input|output) tensors:\s*$/i;
export const RE_TENSOR =
  /^index=(\d+),\s*name=(.*?),\s*n_dims=(\d+),\s*dims=\[([^\]]*)\]\s*,?(.*)$/;
export const RE_KV = /(\w+)\s*=\s*([^,]*)/g;
export const RE_CUSTOM = /^custom string:\s?(.*)$/i;
export const RE_WARMUP = /^warm ?up\s*\.*\s*$/i;
export const RE_PERF = /^begin perf\s*\.*\s*$/i;
export const NUM = String.raw`(-?(?:\d+(?:\.\d*)?|\.\d+)|-?inf(?:inity)?|-?nan)`;
export const RE_ITER = new RegExp(
  String.raw`^(\d+):\s*Elapse Time\s*=\s*${NUM}\s*ms,\s*FPS\s*=\s*${NUM}`,
  'i',
);
export const RE_SUMMARY = new RegExp(
  String.raw`^Avg Time\s*${NUM}\s*ms,\s*Avg FPS\s*=\s*${NUM}`,
  'i',
);
export const RE_OLD_AVG_TIME = new RegExp(String.raw`^Avg elapse Time\s*=\s*${NUM}\s*ms`, 'i');
export const RE_OLD_AVG_FPS = new RegExp(String.raw`^Avg FPS\s*=\s*${NUM}`, 'i');
export const RE_RUNTIME_MSG = /^([EWID]) RKNN:\s*(?:\[[^\]]*\]\s*)?(.*)$/;
export const RE_API_FAIL = /^(rknn_\w+|\w+) (?:fail!|error!?)\s*ret\s*=\s*(-?\d+)/i;
export const RE_RUN_ERROR = /^rknn run error\s*(-?\d+)/i;
export const RE_PERF_TIME = /^rknn run perf time is\s*(\d+)\s*us/i;
/** Other rknn_benchmark failures that carry no code. */
export const PLAIN_FAILURES: Array<[RegExp, string, string?]> = [
  [
    /^Usage:.*model_path/i,
    'rknn_benchmark printed its usage: the arguments were wrong',
    'Run it as: rknn_benchmark MODEL [INPUT] [LOOP_COUNT] [CORE_MASK].',
  ],
  [
    /^input missing!/i,
    'the model needs more inputs than were given',
    'Give one input file per model input, separated by "#".',
  ],
  [
    /^(load image failed|npy shape match failed|meet unsupported layout|malloc image failed|resize image failed)/i,
    'the input file could not be used',
  ],
  [/^fopen .* fail/i, 'a file could not be opened'],
  [
    /(?:^|: )(rknn_benchmark): (?:not found|No such file or directory)/i,
    'rknn_benchmark was not found on the board',
    'Install it from rknn-toolkit2 (rknpu2/examples/rknn_benchmark) or give its path.',
  ],
  [/Segmentation fault|core dumped/i, 'rknn_benchmark crashed (segmentation fault)'],
  [/^Killed\s*$/, 'rknn_benchmark was killed (out of memory?)'],
  [/Permission denied/i, 'permission denied'],
];
/** Lines rknn_benchmark prints that carry nothing Coral keeps (still "recognised"). */
export const KNOWN_NOISE = [
  /^Loading .*\.npy$/i,
  /^npy data type:/i,
  /^Save output to /i,
  /^-+ Top\d+ -+$/,
  /^-?\d+\.\d+ - -?\d+$/,
  /^rknn_init success!?$/i,
  /^rknn run perf detail is:/i,
];

// eslint-disable-next-line no-control-regex -- terminal colour codes from a pty (adb shell)
export const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function toNumber(text: string): number {
  const t = text.toLowerCase();
  if (t.endsWith('nan')) return Number.NaN;
  if (t.includes('inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** printf("%d") of a uint32 above 2^31 prints a negative number; undo that. */
export function unsignedFromPrinted(text: string): number {
  const n = Number(text);
  return n < 0 ? n + 2 ** 32 : n;
}

export function versionMismatchHint(runtimeMessage: string): string {
  return `The runtime said "${runtimeMessage}": the board's librknnrt is older than the toolkit that built the model; update librknnrt or export the model with a matching toolkit.`;
}

export function parseTensor(m: RegExpExecArray): RknnLogTensor {
  const nDims = Number(m[3]);
  const allDims = m[4]
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean)
    .map(Number);
  const kv: Record<string, string> = {};
  for (const [, k, v] of m[5].matchAll(RE_KV)) kv[k.toLowerCase()] = v.trim();
  const num = (k: string) =>
    kv[k] !== undefined && kv[k] !== '' && Number.isFinite(Number(kv[k])) ? Number(kv[k]) : null;
  return {
    index: Number(m[1]),
    name: m[2].trim(),
    nDims,
    // Old runtimes always print 4 dims (`dims=[1, 1001, 0, 0]` with n_dims=2).
    dims: allDims.slice(0, nDims || allDims.length),
    nElems: num('n_elems'),
    size: num('size'),
    wStride: num('w_stride'),
    sizeWithStride: num('size_with_stride'),
    fmt: kv.fmt ?? null,
    type: kv.type ?? null,
    qntType: kv.qnt_type ?? null,
    zp: num('zp'),
    scale: num('scale'),
  };
}
