import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CoralError } from '../../runtime/errors';
import {
  ELEMENT_TYPES,
  ModelHeaderProto,
  toNumber,
  type OnnxDimension,
  type OnnxModel,
  type OnnxValueInfo,
} from './proto';

/** A dimension: a number, a symbolic name (`batch`), or null when the file leaves it unset. */
export type Dimension = number | string | null;

export interface TensorInfo {
  name: string;
  /** onnxruntime's name for the element type (`float32`, `int64`, …) or `sequence`/`map`. */
  elementType: string;
  shape: Dimension[];
}

export interface OnnxModelInfo {
  path: string;
  format: 'onnx';
  size: number;
  sha256: string;
  irVersion: number;
  /** The default-domain (ai.onnx) opset, or null when the model imports none. */
  opset: number | null;
  opsets: Array<{ domain: string; version: number }>;
  producer: { name: string; version: string };
  domain: string;
  modelVersion: number;
  description: string;
  graphName: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  nodeCount: number;
  /** Operator types with how often each appears, most frequent first. */
  operators: Array<{ op: string; count: number }>;
  initializerCount: number;
  /** Number of weight elements in the initializers. */
  parameterCount: number;
  /** Files holding external tensor data, relative to the model (empty when all inline). */
  externalData: string[];
  metadata: Record<string, string>;
}

/**
 * Why an ONNX file could not be read. Codes are stable; the message names the file; the
 * hint says what to do. Thrown only by inspect (parsing), never by onnxruntime.
 */
export class OnnxInspectError extends CoralError {
  constructor(
    code:
      | 'MODEL_NOT_FOUND'
      | 'MODEL_IS_DIRECTORY'
      | 'MODEL_UNREADABLE'
      | 'MODEL_EMPTY'
      | 'MODEL_WRONG_FORMAT'
      | 'MODEL_TRUNCATED'
      | 'MODEL_INVALID',
    readonly file: string,
    message: string,
    hint: string,
    cause?: unknown,
  ) {
    super(code, message, { hint, detail: { file }, ...(cause === undefined ? {} : { cause }) });
    this.name = 'OnnxInspectError';
  }
}

/** Other formats people save as `.onnx` by mistake, recognised by their first bytes. */
const FOREIGN_FORMATS: Array<{ test: (b: Buffer) => boolean; what: string; hint: string }> = [
  {
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RKNN',
    what: 'an RKNN model (it starts with "RKNN")',
    hint: 'Give it the .rknn extension and run it with the RKNN backend on a board.',
  },
  {
    test: (b) =>
      /^\s*(<!doctype html|<html|<\?xml|<head|<body)/i.test(b.subarray(0, 256).toString('latin1')),
    what: 'an HTML or XML page, not a model',
    hint: 'The download probably saved a web page; download the raw file (e.g. the "raw" or "resolve" link).',
  },
  {
    test: (b) => b.subarray(0, 24).toString('latin1').startsWith('version https://git-lfs'),
    what: 'a Git LFS pointer, not the model itself',
    hint: 'Fetch the real file with `git lfs pull`.',
  },
  {
    test: (b) => b.subarray(4, 8).toString('latin1') === 'TFL3',
    what: 'a TensorFlow Lite model',
    hint: 'Convert it to ONNX first (e.g. with tf2onnx).',
  },
  {
    test: (b) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04,
    what: 'a ZIP archive (a PyTorch .pt checkpoint or a zipped model?)',
    hint: 'Unzip it, or export the PyTorch model with torch.onnx.export.',
  },
  {
    test: (b) => b[0] === 0x80 && b[1] >= 2 && b[1] <= 5,
    what: 'a Python pickle (a PyTorch checkpoint?)',
    hint: 'Export the model with torch.onnx.export.',
  },
];

function shapeOf(dims: OnnxDimension[] | undefined): Dimension[] {
  return (dims ?? []).map((d) => {
    if (d.dim_param) return d.dim_param;
    if (d.dim_value !== undefined && d.dim_value !== null) return toNumber(d.dim_value);
    return null;
  });
}

function tensorInfo(v: OnnxValueInfo): TensorInfo {
  const t = v.type;
  const tensor = t?.tensor_type ?? t?.sparse_tensor_type;
  if (tensor) {
    const elem = tensor.elem_type ?? 0;
    return {
      name: v.name ?? '',
      elementType: ELEMENT_TYPES[elem] ?? `unknown(${elem})`,
      shape: shapeOf(tensor.shape?.dim),
    };
  }
  const kind = t?.value?.replace('_type', '') ?? 'unknown';
  return { name: v.name ?? '', elementType: kind, shape: [] };
}

async function readModelFile(file: string): Promise<Buffer> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new OnnxInspectError(
        'MODEL_NOT_FOUND',
        file,
        `The model file ${file} does not exist.`,
        'Check the path; relative paths are resolved from the current directory.',
        e,
      );
    }
    throw new OnnxInspectError(
      'MODEL_UNREADABLE',
      file,
      `Cannot read the model file ${file}: ${(e as Error).message}`,
      'Check the file permissions.',
      e,
    );
  }
  if (stat.isDirectory()) {
    throw new OnnxInspectError(
      'MODEL_IS_DIRECTORY',
      file,
      `${file} is a directory, not a model file.`,
      'Pass the .onnx file inside it.',
    );
  }
  if (stat.size === 0) {
    throw new OnnxInspectError(
      'MODEL_EMPTY',
      file,
      `The model file ${file} is empty (0 bytes).`,
      'The export or download did not finish; produce the file again.',
    );
  }
  try {
    return await fs.readFile(file);
  } catch (e) {
    throw new OnnxInspectError(
      'MODEL_UNREADABLE',
      file,
      `Cannot read the model file ${file}: ${(e as Error).message}`,
      'Check the file permissions.',
      e,
    );
  }
}

function invalid(file: string, why: string, cause?: unknown): OnnxInspectError {
  return new OnnxInspectError(
    'MODEL_INVALID',
    file,
    `${file} is not a valid ONNX model: ${why}.`,
    'Export the model again (e.g. torch.onnx.export) or check that you picked the right file.',
    cause,
  );
}

/** Parses an ONNX model's bytes (no onnxruntime involved, safe on any thread). */
export function parseOnnx(file: string, bytes: Buffer): OnnxModelInfo {
  for (const f of FOREIGN_FORMATS) {
    if (f.test(bytes)) {
      throw new OnnxInspectError('MODEL_WRONG_FORMAT', file, `${file} is ${f.what}.`, f.hint);
    }
  }
  let model: OnnxModel;
  try {
    model = ModelHeaderProto.toObject(ModelHeaderProto.decode(bytes), {
      longs: Number,
      oneofs: true,
    }) as OnnxModel;
  } catch (e) {
    const msg = (e as Error).message ?? '';
    // ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
    if (/index out of range/i.test(msg) && bytes[0] === 0x08) {
      throw new OnnxInspectError(
        'MODEL_TRUNCATED',
        file,
        `${file} ends in the middle of the model (${bytes.length} bytes): the file is truncated.`,
        'The export or download was cut short; produce or download the file again.',
        e,
      );
    }
    throw invalid(file, `the bytes are not an ONNX protobuf (${msg})`, e);
  }
  const irVersion = toNumber(model.ir_version);
  const graph = model.graph;
  if (!irVersion || irVersion < 1 || irVersion > 100) {
    throw invalid(file, 'it has no valid IR version');
  }
  if (!graph) throw invalid(file, 'it has no graph');
  if (!graph.node?.length && !graph.output?.length) throw invalid(file, 'its graph is empty');

  const opsets = (model.opset_import ?? []).map((o) => ({
    domain: o.domain ?? '',
    version: toNumber(o.version),
  }));
  const initializers = graph.initializer ?? [];
  const initNames = new Set(initializers.map((i) => i.name));
  const counts = new Map<string, number>();
  for (const n of graph.node ?? []) {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.op_type}` : (n.op_type ?? '?');
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  const external = new Set<string>();
  let parameterCount = 0;
  for (const init of initializers) {
    parameterCount += (init.dims ?? []).reduce<number>((a, d) => a * toNumber(d), 1);
    if (init.data_location === 1) {
      const loc = init.external_data?.find((kv) => kv.key === 'location')?.value;
      if (loc) external.add(loc);
    }
  }
  return {
    path: file,
    format: 'onnx',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    irVersion,
    opset: opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? null,
    opsets,
    producer: { name: model.producer_name ?? '', version: model.producer_version ?? '' },
    domain: model.domain ?? '',
    modelVersion: toNumber(model.model_version),
    description: model.doc_string ?? '',
    graphName: graph.name ?? '',
    // Old exporters (IR < 4) also list initializers as inputs; those are weights, not inputs.
    inputs: (graph.input ?? []).filter((i) => !initNames.has(i.name)).map(tensorInfo),
    outputs: (graph.output ?? []).map(tensorInfo),
    nodeCount: graph.node?.length ?? 0,
    operators: [...counts]
      .map(([op, count]) => ({ op, count }))
      .sort((a, b) => b.count - a.count || a.op.localeCompare(b.op)),
    initializerCount: initializers.length,
    parameterCount,
    externalData: [...external],
    metadata: Object.fromEntries(
      (model.metadata_props ?? []).map((m) => [m.key ?? '', m.value ?? '']),
    ),
  };
}

/**
 * Reads and describes an ONNX model file: format, producer, opset, IR version, size, sha256,
 * inputs and outputs (symbolic dimensions kept as names). Bad files throw OnnxInspectError.
 */
export async function inspectOnnx(file: string): Promise<OnnxModelInfo> {
  const resolved = path.resolve(file);
  return parseOnnx(resolved, await readModelFile(resolved));
}

/** `1x3x640x640`, `batch x 3 x 640 x 640`, `? x 10`: a shape for humans. */
export function formatShape(shape: Dimension[]): string {
  return shape.length ? shape.map((d) => (d === null ? '?' : String(d))).join('x') : 'scalar';
}
