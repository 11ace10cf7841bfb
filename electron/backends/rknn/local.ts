/**
 * The local NPU path: when Coral itself runs on a Rockchip board, models run through the native
 * addon (native/) over librknnrt. `rknnLocalStatus()` says whether that works here and why not;
 * `LocalRknnModel` wraps a context with typed errors, tensor-type names and idempotent dispose.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  findRknnLibrary,
  loadRknnAddon,
  RKNN_LIB_ENV,
  type NativeContext,
  type NativeError,
  type NativeInput,
  type NativeQuery,
  type NativeTensorAttr,
} from '../../../native';
import { CoralError } from '../../runtime/errors';
import { rknnErrorCode } from './error-codes';

export class RknnNativeError extends CoralError {
  constructor(
    code: string,
    message: string,
    options: { hint?: string; detail?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = 'RknnNativeError';
  }
}

export interface RknnLocalStatus {
  /** True when a model can be opened on this machine's NPU. */
  available: boolean;
  /** Why not, in one sentence (the first thing missing). */
  reason?: string;
  addon: { ok: boolean; state: string; path: string; reason?: string };
  library: {
    ok: boolean;
    path?: string;
    /** `2.3.0 (c949ad889d@2024-11-07T11:35:33)`, read from the library file. */
    version?: string | null;
    reason?: string;
    /** The path came from CORAL_RKNN_LIB. */
    fromEnv: boolean;
    tried: string[];
  };
}

export function rknnLocalStatus(env: NodeJS.ProcessEnv = process.env): RknnLocalStatus {
  const addon = loadRknnAddon();
  const lib = findRknnLibrary(env);
  const status: RknnLocalStatus = {
    available: false,
    addon: {
      ok: addon.ok,
      state: addon.state,
      path: addon.path,
      ...(addon.ok ? {} : { reason: addon.reason }),
    },
    library: lib.ok
      ? { ok: true, path: lib.path, version: lib.version, fromEnv: lib.fromEnv, tried: lib.tried }
      : { ok: false, reason: lib.reason, fromEnv: lib.fromEnv, tried: lib.tried },
  };
  if (addon.ok && lib.ok) {
    try {
      addon.addon.openLibrary(lib.path);
    } catch (e) {
      status.library = {
        ...status.library,
        ok: false,
        reason: `${lib.path} cannot be used: ${(e as Error).message}`,
      };
    }
  }
  status.available = status.addon.ok && status.library.ok;
  if (!status.available)
    status.reason = status.addon.ok ? status.library.reason : status.addon.reason;
  return status;
}

/** Turns an addon error into an RknnNativeError with the RKNN_ERR_* name, meaning and advice. */
export function toRknnNativeError(e: unknown, model?: string): CoralError {
  if (e instanceof CoralError) return e;
  const err = e as NativeError;
  const where = model ? ` for ${model}` : '';
  if (typeof err?.rknnCode === 'number') {
    const known = rknnErrorCode(err.rknnCode);
    return new RknnNativeError(
      err.code ?? 'RKNN_ERR_UNKNOWN',
      `${err.api ?? 'librknnrt'} failed${where}: ${err.code} (${err.rknnCode})${known ? `: ${known.meaning}` : ''}.`,
      {
        hint: known?.hint ?? 'See the librknnrt log lines ("E RKNN:") printed before this.',
        detail: { api: err.api, rknnCode: err.rknnCode },
        cause: e,
      },
    );
  }
  if (err?.code === 'RKNN_LIBRARY_LOAD_FAILED') {
    return new RknnNativeError(
      'RKNN_LIBRARY_LOAD_FAILED',
      `The RKNN runtime could not be loaded: ${err.message}.`,
      {
        hint: `Install librknnrt.so for this board, or set ${RKNN_LIB_ENV} to its path.`,
        cause: e,
      },
    );
  }
  if (err?.code === 'RKNN_CONTEXT_DESTROYED') {
    return new RknnNativeError('RKNN_CONTEXT_DESTROYED', `The model${where} was already closed.`, {
      hint: 'Open the model again.',
      cause: e,
    });
  }
  if (err?.code === 'RKNN_CORE_MASK_UNSUPPORTED') {
    return new RknnNativeError('RKNN_CORE_MASK_UNSUPPORTED', `${err.message}.`, {
      hint: 'Use core mask 0 (auto).',
      cause: e,
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  return new RknnNativeError(
    err?.code ?? 'RKNN_NATIVE_FAILED',
    `RKNN native call failed${where}: ${message}`,
    { cause: e },
  );
}

const TYPE_CODES: Record<string, number> = {
  FP32: 0,
  FLOAT32: 0,
  FP16: 1,
  FLOAT16: 1,
  INT8: 2,
  UINT8: 3,
  INT16: 4,
  UINT16: 5,
  INT32: 6,
  UINT32: 7,
  INT64: 8,
  BOOL: 9,
  INT4: 10,
  BF16: 11,
};
const FORMAT_CODES: Record<string, number> = { NCHW: 0, NHWC: 1, NC1HWC2: 2, UNDEFINED: 3 };

/** The tensor type a typed array stands for, when the caller does not say. */
function typeOf(data: ArrayBufferView): string {
  if (data instanceof Float32Array) return 'FP32';
  if (data instanceof Int8Array) return 'INT8';
  if (data instanceof Int16Array) return 'INT16';
  if (data instanceof Uint16Array) return 'UINT16';
  if (data instanceof Int32Array) return 'INT32';
  if (data instanceof Uint32Array) return 'UINT32';
  if (data instanceof BigInt64Array) return 'INT64';
  return 'UINT8';
}

export interface LocalInput {
  data: ArrayBufferView;
  /** FP32, FP16, INT8, UINT8, ... (default: from the typed array). */
  type?: string;
  /** NHWC, NCHW, ... (default: the model's layout for that input). */
  fmt?: string;
  index?: number;
  /** Data already in the model's internal type and layout. */
  passThrough?: boolean;
}

export interface LocalOutput {
  index: number;
  name: string;
  data: Buffer;
  /** The output as float32, when it was asked for as float. */
  float32?: Float32Array;
}

export class LocalRknnModel {
  private constructor(
    private readonly ctx: NativeContext,
    readonly model: string,
    readonly library: string,
    readonly info: NativeQuery,
  ) {}

  /** Opens a model (file path or bytes) on the local NPU. Throws RknnNativeError / CoralError. */
  static open(
    model: string | Uint8Array,
    options: { env?: NodeJS.ProcessEnv; flags?: number; library?: string } = {},
  ): LocalRknnModel {
    const label = typeof model === 'string' ? path.resolve(model) : '<model buffer>';
    const addon = loadRknnAddon();
    if (!addon.ok)
      throw new RknnNativeError(
        'RKNN_ADDON_UNAVAILABLE',
        `The local NPU path is unavailable: ${addon.reason}.`,
      );
    let library = options.library;
    if (!library) {
      const found = findRknnLibrary(options.env ?? process.env);
      if (!found.ok) {
        throw new RknnNativeError(
          'RKNN_LIBRARY_MISSING',
          `The RKNN runtime is missing: ${found.reason}.`,
          {
            hint: `Install librknnrt.so (rknn-toolkit2: rknpu2/runtime/Linux/librknn_api) or set ${RKNN_LIB_ENV}.`,
          },
        );
      }
      library = found.path;
    }
    if (typeof model === 'string' && !fs.existsSync(label)) {
      throw new RknnNativeError('RKNN_MODEL_NOT_FOUND', `${label} does not exist.`, {
        hint: 'Check the model path.',
      });
    }
    let ctx: NativeContext;
    try {
      ctx = new addon.addon.Context(
        library,
        typeof model === 'string' ? label : model,
        options.flags ?? 0,
      );
    } catch (e) {
      throw toRknnNativeError(e, label);
    }
    try {
      return new LocalRknnModel(ctx, label, library, ctx.query());
    } catch (e) {
      ctx.destroy();
      throw toRknnNativeError(e, label);
    }
  }

  get closed(): boolean {
    return this.ctx.destroyed;
  }

  private attr(index: number): NativeTensorAttr | undefined {
    return this.info.inputs.find((a) => a.index === index);
  }

  /** Runs once; outputs are copies in V8 memory, float32 unless `wantFloat: false`. */
  run(
    inputs: LocalInput[],
    options: { wantFloat?: boolean } = {},
  ): { outputs: LocalOutput[]; runMs: number } {
    const wantFloat = options.wantFloat ?? true;
    const native: NativeInput[] = inputs.map((input, i) => {
      const index = input.index ?? i;
      const type = (input.type ?? typeOf(input.data)).toUpperCase();
      const fmt = (input.fmt ?? this.attr(index)?.fmt ?? 'NHWC').toUpperCase();
      if (!(type in TYPE_CODES)) {
        throw new RknnNativeError(
          'RKNN_BAD_INPUT',
          `Input ${index} of ${this.model}: unknown tensor type "${input.type}".`,
          {
            hint: `Use one of ${Object.keys(TYPE_CODES).join(', ')}.`,
          },
        );
      }
      if (!(fmt in FORMAT_CODES)) {
        throw new RknnNativeError(
          'RKNN_BAD_INPUT',
          `Input ${index} of ${this.model}: unknown layout "${input.fmt}".`,
          {
            hint: 'Use NHWC, NCHW or UNDEFINED.',
          },
        );
      }
      return {
        index,
        data: input.data,
        type: TYPE_CODES[type],
        fmt: FORMAT_CODES[fmt],
        passThrough: input.passThrough ?? false,
      };
    });
    let result;
    try {
      result = this.ctx.run(native, { wantFloat });
    } catch (e) {
      throw toRknnNativeError(e, this.model);
    }
    return {
      runMs: result.runMs,
      outputs: result.outputs.map((o) => {
        const attr = this.info.outputs.find((a) => a.index === o.index);
        const asFloat = wantFloat || attr?.type === 'FP32';
        return {
          index: o.index,
          name: attr?.name ?? `output${o.index}`,
          data: o.data,
          ...(asFloat && o.data.byteLength % 4 === 0
            ? { float32: new Float32Array(o.data.buffer, o.data.byteOffset, o.data.byteLength / 4) }
            : {}),
        };
      }),
    };
  }

  /** Microseconds the NPU spent in the last run (RKNN_QUERY_PERF_RUN). */
  perfRunUs(): number {
    try {
      return this.ctx.perfRun();
    } catch (e) {
      throw toRknnNativeError(e, this.model);
    }
  }

  setCoreMask(mask: number): void {
    try {
      this.ctx.setCoreMask(mask);
    } catch (e) {
      throw toRknnNativeError(e, this.model);
    }
  }

  /** Releases the context; calling it again does nothing. */
  dispose(): void {
    this.ctx.destroy();
  }
}
