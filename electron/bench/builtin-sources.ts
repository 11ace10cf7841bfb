import { onnxBenchSource } from '../backends/onnx/bench';
import { createRknnBenchSource, type RknnBenchSourceOptions } from '../backends/rknn/local-bench';
import type { SourceFactory } from './service';

/**
 * Benchmark sources of the built-in adapters (adapter name → factory). `rknn` reaches boards
 * only when given a board resolver (the app's BoardsService, or the CLI's own connections).
 */
export function builtinSources(
  opts: { rknn?: RknnBenchSourceOptions } = {},
): Record<string, SourceFactory> {
  return { onnx: onnxBenchSource, rknn: createRknnBenchSource(opts.rknn ?? {}) };
}
