import type { SourceFactory } from '../../bench/service';
import { inspectOnnx } from './inspect';
import { resolveInputShapes } from './inputs';
import { withWorker } from './worker';

/**
 * The ONNX adapter's benchmark source. The model is inspected here first, so a missing or
 * broken file, or a --shape naming no input, fails start() with a clear error; the run itself
 * happens in a worker process (OnnxWorker), never in the calling process.
 */
export const onnxBenchSource: SourceFactory = async ({ model, options }) => {
  const info = await inspectOnnx(model);
  // Checks --shape against the file now; the worker re-resolves with onnxruntime's view.
  resolveInputShapes(
    info.inputs.map((i) => ({ name: i.name, type: i.elementType, shape: i.shape })),
    options.shapes,
    info.path,
  );
  return {
    model: { path: info.path, sha256: info.sha256, size: info.size, format: 'onnx' },
    extra: {
      irVersion: info.irVersion,
      opset: info.opset,
      producer: info.producer,
    },
    source: {
      run: ({ options: o, sink, signal }) => withWorker((w) => w.bench(info.path, o, sink, signal)),
    },
  };
};
