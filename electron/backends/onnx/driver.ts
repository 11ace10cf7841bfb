import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { CoralError } from '../../runtime/errors';
import type { BenchDriver, BenchOptions, PrepareResult } from '../../bench/types';
import { makeInputData, resolveInputShapes, type InputMeta } from './inputs';

// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const requireCjs = createRequire(import.meta.url);

export interface OrtInfo {
  onnxruntimeVersion: string;
  /** Providers this onnxruntime-node build knows; `bundled` ones ship in the package. */
  executionProviders: Array<{ name: string; bundled: boolean }>;
}

export function ortInfo(): OrtInfo {
  const version = (requireCjs('onnxruntime-node/package.json') as { version: string }).version;
  return { onnxruntimeVersion: version, executionProviders: ort.listSupportedBackends() };
}

function sessionOptions(o: BenchOptions): ort.InferenceSession.SessionOptions {
  const so: ort.InferenceSession.SessionOptions = {
    executionProviders: [o.executionProvider],
    graphOptimizationLevel: o.graphOptimization,
  };
  if (o.intraOpThreads) so.intraOpNumThreads = o.intraOpThreads;
  if (o.interOpThreads) {
    so.interOpNumThreads = o.interOpThreads;
    so.executionMode = 'parallel';
  }
  return so;
}

export function describeMetadata(meta: readonly ort.InferenceSession.ValueMetadata[]): InputMeta[] {
  return meta.map((m) =>
    m.isTensor
      ? {
          name: m.name,
          type: m.type,
          shape: m.shape.map((d) => (typeof d === 'number' && d < 0 ? null : d)),
        }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** Creates a session with the benchmark's options; onnxruntime failures become CoralErrors. */
export async function createSession(
  model: string,
  options: BenchOptions,
): Promise<ort.InferenceSession> {
  const providers = ort.listSupportedBackends();
  const ep = providers.find((p) => p.name === options.executionProvider);
  if (!ep) {
    throw new CoralError(
      'BENCH_BAD_PROVIDER',
      `onnxruntime-node has no execution provider "${options.executionProvider}".`,
      { hint: `Providers here: ${providers.map((p) => p.name).join(', ')}.` },
    );
  }
  try {
    return await ort.InferenceSession.create(model, sessionOptions(options));
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    throw new CoralError('ONNX_LOAD_FAILED', `onnxruntime could not load ${model}: ${message}`, {
      hint: ep.bundled
        ? 'Run `coral inspect` on the model; it may use operators or an opset this onnxruntime lacks.'
        : `The ${ep.name} provider is not bundled with onnxruntime-node here; use --ep cpu.`,
      cause: e,
    });
  }
}

/** The ONNX benchmark driver: one session, fixed input tensors, one session.run per iteration. */
export class OnnxDriver implements BenchDriver {
  private session: ort.InferenceSession | null = null;
  private feeds: Record<string, ort.Tensor> = {};

  constructor(
    private readonly model: string,
    private readonly options: BenchOptions,
  ) {}

  async prepare(): Promise<PrepareResult> {
    const t0 = performance.now();
    this.session = await createSession(this.model, this.options);
    const sessionCreateMs = performance.now() - t0;
    const inputs = describeMetadata(this.session.inputMetadata);
    const bad = inputs.find((i) => i.type === 'non-tensor');
    if (bad) {
      throw new CoralError(
        'BENCH_UNSUPPORTED_INPUT',
        `Input "${bad.name}" of ${this.model} is not a tensor.`,
        {
          hint: 'Only models with tensor inputs can be benchmarked.',
        },
      );
    }
    const { inputs: resolved, warnings } = resolveInputShapes(
      inputs,
      this.options.shapes,
      this.model,
    );
    resolved.forEach((input, i) => {
      const data = makeInputData(input, this.options.inputData, this.options.seed + i, this.model);
      this.feeds[input.name] = new ort.Tensor(input.type as ort.Tensor.Type, data, input.shape);
    });
    return {
      sessionCreateMs,
      warnings,
      extra: {
        onnxruntimeVersion: ortInfo().onnxruntimeVersion,
        inputs: resolved,
        outputs: describeMetadata(this.session.outputMetadata),
      },
    };
  }

  async runOnce(): Promise<void> {
    try {
      await (this.session as ort.InferenceSession).run(this.feeds);
    } catch (e) {
      throw new CoralError(
        'ONNX_RUN_FAILED',
        `onnxruntime failed running ${this.model}: ${(e as Error).message}`,
        {
          hint: 'Check the input shapes (--shape) against `coral inspect`.',
          cause: e,
        },
      );
    }
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = null;
    this.feeds = {};
    await s?.release();
  }
}
