/** Shapes of a parsed rknn_benchmark log (see benchmark-log.ts). */

export interface RknnLogTensor {
  index: number;
  name: string;
  nDims: number;
  dims: number[];
  nElems: number | null;
  size: number | null;
  wStride: number | null;
  sizeWithStride: number | null;
  /** As printed: NCHW, NHWC, NC1HWC2, UNDEFINED. */
  fmt: string | null;
  /** As printed: INT8, UINT8, FP16, FP32, INT32, ... */
  type: string | null;
  /** As printed: NONE, DFP, AFFINE. */
  qntType: string | null;
  zp: number | null;
  scale: number | null;
}

export type RknnLogPhase = 'warmup' | 'measure';

export interface RknnIteration {
  phase: RknnLogPhase;
  /** The index rknn_benchmark printed (0-based within its phase). */
  index: number;
  ms: number;
  fps: number | null;
  /** 1-based line number in the log. */
  line: number;
}

export interface RknnLogFailure {
  line: number;
  text: string;
  /** The API that failed (`rknn_init`, `rknn_run`, ...), when the line says. */
  api?: string;
  code?: number;
  /** RKNN_ERR_* name of `code`. */
  codeName?: string;
  message: string;
  hint?: string;
}

export interface RknnRuntimeMessage {
  level: 'E' | 'W' | 'I' | 'D';
  message: string;
  line: number;
}

export interface RknnLogMemory {
  weight: number | null;
  internal: number | null;
  dma: number | null;
}

export type RknnLogEvent =
  | { type: 'version'; runtimeVersion: string; driverVersion: string; line: number }
  | { type: 'memory'; memory: RknnLogMemory; line: number }
  | { type: 'io-count'; inputs: number; outputs: number; line: number }
  | { type: 'tensor'; kind: 'input' | 'output'; tensor: RknnLogTensor; line: number }
  | { type: 'phase'; phase: RknnLogPhase; line: number }
  | { type: 'iteration'; iteration: RknnIteration }
  | { type: 'summary'; avgMs: number; avgFps: number | null; line: number }
  | { type: 'failure'; failure: RknnLogFailure }
  | { type: 'runtime-message'; message: RknnRuntimeMessage };

export interface RknnBenchmarkLog {
  runtimeVersion: string | null;
  driverVersion: string | null;
  memory: RknnLogMemory;
  inputCount: number | null;
  outputCount: number | null;
  inputs: RknnLogTensor[];
  outputs: RknnLogTensor[];
  customString: string | null;
  warmup: RknnIteration[];
  samples: RknnIteration[];
  summary: { avgMs: number; avgFps: number | null } | null;
  failures: RknnLogFailure[];
  runtimeMessages: RknnRuntimeMessage[];
  /** The summary line was seen: the run finished and printed its average. */
  complete: boolean;
  warnings: string[];
  /** Lines read, and lines that meant something to the parser. */
  lines: number;
  recognizedLines: number;
}
