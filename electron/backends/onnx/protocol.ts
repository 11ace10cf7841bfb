/**
 * Messages between the app and the ONNX worker process (child_process IPC with the
 * "advanced" serialization, so Float64Array travels as a typed array).
 */
import type { CoralErrorShape } from '../../runtime/errors';
import type { BenchOptions, RunPhase, SourceResult } from '../../bench/types';
import type { InputMeta } from './inputs';
import type { OrtInfo } from './driver';

export type HostRequest =
  | { type: 'info'; id: number }
  | { type: 'load'; id: number; model: string; options: BenchOptions }
  | { type: 'bench'; id: number; model: string; options: BenchOptions }
  | { type: 'cancel'; id: number };

export interface LoadInfo {
  sessionCreateMs: number;
  inputs: InputMeta[];
  outputs: InputMeta[];
}

export type HostMessage =
  | { type: 'ready'; pid: number }
  | { type: 'info'; id: number; info: OrtInfo }
  | { type: 'loaded'; id: number; info: LoadInfo }
  | { type: 'samples'; id: number; values: Float64Array }
  | { type: 'phase'; id: number; phase: RunPhase }
  | { type: 'warn'; id: number; message: string }
  | { type: 'result'; id: number; result: SourceResult }
  | { type: 'error'; id: number; error: CoralErrorShape };
