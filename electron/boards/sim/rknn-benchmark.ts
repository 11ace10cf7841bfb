/**
 * The virtual board's `rknn_benchmark`: reads the .rknn file like librknnrt would (container,
 * metadata, target platform, toolkit vs runtime version), then prints the real tool's output
 * format line by line with timings from the profile's performance model, sleeping for real
 * so runs take board-like time, load the NPU in telemetry, and can be cancelled.
 */
import fs from 'node:fs';
import { readRknnContainer, type ByteSource } from '../../backends/rknn/container';
import { summarizeRknnMetadata, type RknnTensorInfo } from '../../backends/rknn/inspect';
import { socInfo } from '../../backends/rknn/platforms';
import { parseRknnVersion } from '../../backends/rknn/version';
import { normalize, VfsError } from './vfs';
import type { SimProfile } from './profile';
import { KilledSignal, type CmdCtx, type CommandFn } from './shell/run';

export interface NpuActivity {
  /** Marks NPU cores busy until the returned function is called. */
  begin(cores: number[]): () => void;
}

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

/** A deterministic pseudo-random generator (so a run's numbers are reproducible per seed). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Which NPU cores a core_mask selects on a board with `cores` cores (0 = auto: one core). */
export function coresForMask(mask: number, cores: number): number[] | null {
  if (mask === 0) return [0];
  const picked: number[] = [];
  for (let i = 0; i < 8; i++) if (mask & (1 << i)) picked.push(i);
  if (!picked.length || picked.some((c) => c >= cores)) return null;
  return picked;
}

/**
 * The modelled time of one rknn_run in ms (before jitter): a fixed cost, plus a cost per MB of
 * weights and per million input elements, divided by the speed-up of the cores in use.
 */
export function modelledMs(
  profile: SimProfile,
  weightBytes: number,
  inputElems: number,
  coreCount: number,
): number {
  const perf = profile.performance;
  if (!perf) return 0;
  const scale = perf.coreScaling[Math.min(coreCount, perf.coreScaling.length) - 1] ?? 1;
  const work =
    perf.overheadMs +
    (weightBytes / (1024 * 1024)) * perf.msPerMB +
    (inputElems / 1e6) * perf.msPerMElem;
  return work / scale;
}

function fileSource(path: string, label: string): ByteSource & { close(): void } {
  const fd = fs.openSync(path, 'r');
  const size = fs.fstatSync(fd).size;
  return {
    label,
    size,
    read: async (offset, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, n);
    },
    close: () => fs.closeSync(fd),
  };
}

function tensorLine(
  t: RknnTensorInfo,
  index: number,
  isInput: boolean,
): { line: string; elems: number } {
  const dims = t.dims.length ? t.dims : isInput ? [1, 224, 224, 3] : [1, 1000];
  const elems = dims.reduce((a, b) => a * (b || 1), 1);
  const type = (t.dtype ?? 'int8')
    .toUpperCase()
    .replace('FLOAT16', 'FP16')
    .replace('FLOAT32', 'FP32');
  const bytes = /16/.test(type) ? 2 : /32/.test(type) ? 4 : 1;
  const nchw = dims.length === 4 && [1, 3, 4].includes(dims[1]) && dims[3] > 4;
  const fmt = dims.length === 4 ? (isInput && !nchw ? 'NHWC' : 'NCHW') : 'UNDEFINED';
  const wStride = isInput && dims.length === 4 ? (nchw ? dims[3] : dims[2]) : 0;
  const qnt = t.qntType
    ? 'AFFINE'
    : type.startsWith('INT') || type.startsWith('UINT')
      ? 'AFFINE'
      : 'NONE';
  const zp = isInput ? -128 : -128 + (index % 7);
  const scale = isInput ? 0.003922 : 0.00386 + index * 0.00003;
  return {
    line: `  index=${index}, name=${t.name}, n_dims=${dims.length}, dims=[${dims.join(', ')}], n_elems=${elems}, size=${elems * bytes}, w_stride = ${wStride}, size_with_stride=${elems * bytes}, fmt=${fmt}, type=${type}, qnt_type=${qnt}, zp=${zp}, scale=${scale.toFixed(6)}`,
    elems,
  };
}

async function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  await new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function rknnBenchmark(profile: SimProfile, npu: NpuActivity): CommandFn {
  return async (ctx: CmdCtx, args: string[]) => {
    const out = (s: string) => ctx.io.stdout(`${s}\n`);
    const fail = (lines: string[], ret: number) => {
      for (const l of lines) out(`E RKNN: [${stamp()}] ${l}`);
      out(`rknn_init fail! ret=${ret}`);
      return 255;
    };
    if (!args.length) {
      out(`Usage:${ctx.name} model_path [input_path] [loop_count] [core_mask]`);
      return 255;
    }
    const [modelPath, inputArg, loopArg, maskArg] = args;
    const loops = loopArg !== undefined ? Math.trunc(Number(loopArg)) || 0 : 10;
    const mask = maskArg !== undefined ? Number.parseInt(maskArg, 10) || 0 : 1;
    if (!profile.runtime.driver || profile.npuCores === 0) {
      return fail(
        [
          'failed to open rknpu module, need to insmod rknpu dirver!',
          'failed to open rknn device!',
          'rknn_init, create context failed!',
        ],
        -3,
      );
    }
    const vpath = normalize(modelPath, ctx.cwd);
    let real: string | null;
    try {
      real = ctx.host.vfs.realPathForRead(vpath, ctx.user);
    } catch (e) {
      if (!(e instanceof VfsError)) throw e;
      return fail(
        [`failed to open rknn file: ${modelPath}, ${e.reason}`, 'rknn_init, load model failed!'],
        -1,
      );
    }
    if (!real) return fail([`failed to open rknn file: ${modelPath}`], -1);
    const source = fileSource(real, modelPath);
    let container;
    try {
      container = await readRknnContainer(source);
    } catch (e) {
      return fail(
        [
          `parse model failed: ${(e as Error).message.split('\n')[0]}`,
          'rknn_init, load model failed!',
        ],
        -6,
      );
    } finally {
      source.close();
    }
    const meta = summarizeRknnMetadata(container.metadata);
    const rt = parseRknnVersion(profile.runtime.librknnrt);
    const tk = parseRknnVersion(meta.toolkitVersionRaw);
    if (rt && tk && (tk.major > rt.major || (tk.major === rt.major && tk.minor > rt.minor))) {
      return fail(
        [
          `${container.containerVersion}, 1`,
          `Invalid RKNN model version ${container.containerVersion}`,
          'rknn_init, load model failed!',
        ],
        -6,
      );
    }
    const family = socInfo(profile.soc)?.targets ?? [profile.soc];
    if (meta.targetPlatforms.length && !meta.targetPlatforms.some((t) => family.includes(t))) {
      return fail(
        [
          `The model target platform [${meta.targetPlatforms.join(', ')}] does not match the runtime platform ${profile.soc}!`,
          'rknn_init, load model failed!',
        ],
        -13,
      );
    }

    const weight = container.dataSize;
    out(
      `rknn_api/rknnrt version: ${profile.runtime.librknnrt}, driver version: ${profile.runtime.driver}`,
    );
    const inputs = meta.inputs?.length ? meta.inputs : [{ name: 'input', dims: [] as number[] }];
    const outputs = meta.outputs?.length
      ? meta.outputs
      : [{ name: 'output', dims: [] as number[] }];
    const inLines = inputs.map((t, i) => tensorLine(t, i, true));
    const outLines = outputs.map((t, i) => tensorLine(t, i, false));
    const internal = Math.round(inLines.concat(outLines).reduce((a, t) => a + t.elems, 0) * 1.1);
    out(`total weight size: ${weight}, total internal size: ${internal}`);
    out(`total dma used size: ${weight + internal + 1_048_576}`);
    out(`model input num: ${inputs.length}, output num: ${outputs.length}`);
    out('input tensors:');
    inLines.forEach((t) => out(t.line));
    out('output tensors:');
    outLines.forEach((t) => out(t.line));
    out('custom string: ');
    if (
      inputArg &&
      inputArg !== '' &&
      !inputArg.split('#').every((p) => ctx.host.vfs.exists(normalize(p, ctx.cwd), ctx.user))
    ) {
      out('load image failed!');
      return 0;
    }

    let cores = coresForMask(mask, profile.npuCores);
    if (!cores) {
      out(`E RKNN: [${stamp()}] Not support core mask: ${mask}, fallback to single core auto mode`);
      cores = [0];
    }
    const perf = profile.performance;
    const inputElems = inLines.reduce((a, t) => a + t.elems, 0);
    const base = modelledMs(profile, weight, inputElems, cores.length);
    const rand = mulberry32(weight ^ (mask << 16) ^ loops);
    const sample = (first: boolean) => {
      const jitter = 1 + gaussian(rand) * (perf?.jitter ?? 0.03);
      const ms = Math.max(0.05, base * jitter + (first ? (perf?.firstRunExtraMs ?? 5) : 0));
      return Math.round(ms * 1000) / 1000;
    };
    const line = (i: number, ms: number) =>
      `${String(i).padStart(4)}: Elapse Time = ${ms.toFixed(2)}ms, FPS = ${(1000 / ms).toFixed(2)}`;

    {
      const both = ctx.signal;
      const killed = () => new KilledSignal(128 + ctx.host.killSignal(ctx.proc));
      const done = npu.begin(cores);
      try {
        out('Warmup ...');
        for (let i = 0; i < 5; i++) {
          const ms = sample(i === 0);
          await delay(ms, both);
          if (both.aborted) throw killed();
          out(line(i, ms));
        }
        out('Begin perf ...');
        let total = 0;
        for (let i = 0; i < loops; i++) {
          const ms = sample(false);
          await delay(ms, both);
          if (both.aborted) throw killed();
          total += ms;
          out(line(i, ms));
        }
        const avg = loops > 0 ? total / loops : 0;
        ctx.io.stdout(
          `\nAvg Time ${avg.toFixed(2)}ms, Avg FPS = ${(loops > 0 ? (loops * 1000) / total : 0).toFixed(3)}\n\n`,
        );
      } finally {
        done();
      }
      outputs.forEach((_, i) => {
        const name = `rt_output${i}.npy`;
        try {
          ctx.host.vfs.writeFile(normalize(name, ctx.cwd), npyHeader(), ctx.user);
        } catch {
          // a read-only working directory: the real tool also fails silently to save
        }
        out(`Save output to ${name}`);
      });
      for (let o = 0; o < outputs.length; o++) {
        out('---- Top5 ----');
        for (let j = 0; j < 5; j++)
          out(`${(0.996078 - j * 0.003922).toFixed(6)} - ${1024 + ((j * 5 + o) % 8)}`);
      }
      return 0;
    }
  };
}

/** A small valid .npy (one float32 zero) so "Save output" leaves a real file behind. */
function npyHeader(): Buffer {
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const header = `${dict}${' '.repeat(pad)}\n`;
  const buf = Buffer.alloc(10 + header.length + 4);
  buf.write('\x93NUMPY', 0, 'latin1');
  buf[6] = 1;
  buf[7] = 0;
  buf.writeUInt16LE(header.length, 8);
  buf.write(header, 10, 'latin1');
  return buf;
}
