import { onnxBenchSource } from '../backends/onnx/bench';
import { rknnBenchSource } from '../backends/rknn/local-bench';
import type { SourceFactory } from './service';

/** Benchmark sources of the built-in adapters (adapter name → factory). */
export function builtinSources(): Record<string, SourceFactory> {
  return { onnx: onnxBenchSource, rknn: rknnBenchSource };
}
