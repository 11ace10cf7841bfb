/**
 * Child process of a local RKNN benchmark: opens the model through the native addon and runs the
 * shared benchmark loop (runDriverLoop), reporting phases and samples over IPC. A crash inside
 * librknnrt ends this process only, never the app.
 */
import { runDriverLoop } from '../../bench/loop';
import type { BenchDriver, BenchOptions } from '../../bench/types';
import { parentChannel } from '../../runtime/child-process';
import { toCoralError } from '../../runtime/errors';
import { LocalRknnModel, type LocalInput } from './local';
import type { LocalBenchMessage, LocalBenchRequest } from './local-bench-protocol';
import type { NativeTensorAttr } from '../../../native';

const parent = parentChannel();

function send(msg: LocalBenchMessage): void {
  parent?.send(msg);
}

/** mulberry32: small, seeded, good enough for benchmark input data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Inputs as rknn_benchmark feeds them: uint8 data in the model's layout for quantized inputs,
 * float32 for float inputs; zeros or seeded random values.
 */
export function benchInputs(
  attrs: NativeTensorAttr[],
  options: Pick<BenchOptions, 'inputData' | 'seed'>,
): LocalInput[] {
  const rand = prng(options.seed);
  return attrs.map((a) => {
    const float = a.type === 'FP32' || a.type === 'FP16';
    const n = a.nElems || a.dims.reduce((x, y) => x * y, 1);
    const data = float ? new Float32Array(n) : new Uint8Array(n);
    if (options.inputData === 'random') {
      for (let i = 0; i < n; i++) data[i] = float ? rand() : Math.floor(rand() * 256);
    }
    return { index: a.index, data, fmt: a.fmt === 'UNDEFINED' ? 'UNDEFINED' : a.fmt };
  });
}

let controller: AbortController | null = null;

async function run(req: Extract<LocalBenchRequest, { type: 'run' }>): Promise<void> {
  controller = new AbortController();
  let model: LocalRknnModel | null = null;
  let inputs: LocalInput[] = [];
  let lastPerfUs: number | null = null;
  const driver: BenchDriver = {
    prepare: () => {
      const t0 = performance.now();
      model = LocalRknnModel.open(req.model, { library: req.library });
      const sessionCreateMs = performance.now() - t0;
      if (req.coreMask !== null) model.setCoreMask(req.coreMask);
      inputs = benchInputs(model.info.inputs, req.options);
      return {
        sessionCreateMs,
        warnings: req.warnings,
        extra: {
          librknnrtVersion: model.info.sdkVersion,
          driverVersion: model.info.driverVersion,
          memory: model.info.memory,
          inputs: model.info.inputs.map(({ index, name, dims, fmt, type, qntType }) => ({
            index,
            name,
            dims,
            fmt,
            type,
            qntType,
          })),
          outputs: model.info.outputs.map(({ index, name, dims, fmt, type, qntType }) => ({
            index,
            name,
            dims,
            fmt,
            type,
            qntType,
          })),
          coreMask: req.coreMask,
          library: req.library,
        },
      };
    },
    runOnce: () => {
      (model as LocalRknnModel).run(inputs);
    },
    dispose: () => {
      if (model && !model.closed) {
        try {
          lastPerfUs = model.perfRunUs();
        } catch {
          // PERF_RUN is not available on every runtime (RV1106); it is only a detail.
        }
        model.dispose();
      }
    },
  };
  try {
    const result = await runDriverLoop(driver, {
      options: req.options,
      signal: controller.signal,
      sink: {
        samples: (values) => send({ type: 'samples', values: Float64Array.from(values) }),
        phase: (phase) => send({ type: 'phase', phase }),
        warn: (message) => send({ type: 'warn', message }),
      },
    });
    result.extra = { ...result.extra, npuRunUsLast: lastPerfUs };
    send({ type: 'done', result });
  } catch (e) {
    send({ type: 'error', error: toCoralError(e, 'RKNN_LOCAL_BENCH_FAILED').toJSON() });
  }
}

parent?.onMessage((message) => {
  const msg = message as LocalBenchRequest;
  if (msg.type === 'run') void run(msg);
  else if (msg.type === 'cancel') controller?.abort();
});
parent?.onDisconnect(() => process.exit(0));
