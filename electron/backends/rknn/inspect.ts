/**
 * `inspectRknn(file)`: what a `.rknn` model is (toolkit version, target platforms, name, source
 * framework, tensors where the metadata has them), its size and sha256 — without loading it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  readRknnContainer,
  RknnModelError,
  type ByteSource,
  type RknnDataFormat,
} from './container';
import { parseRknnVersion } from './version';

export interface RknnTensorInfo {
  name: string;
  dims: number[];
  /** Element type as the toolkit recorded it (`int8`, `uint8`, `float16`). */
  dtype?: string;
  /** Quantization: `int8`/`uint8` with `qntMethod` `layer`/`channel`, or absent for float. */
  qntType?: string;
  qntMethod?: string;
}

export interface RknnModelInfo {
  file: string;
  size: number;
  sha256: string;
  containerVersion: number;
  dataFormat: RknnDataFormat;
  /** rknn-toolkit version that built the model, normalized (`1.6.2`); null if not recorded. */
  toolkitVersion: string | null;
  /** As written in the metadata (`1.6.2-source_code`). */
  toolkitVersionRaw: string | null;
  /** SoC names the model was built for (`["rk3588"]`), lower case. */
  targetPlatforms: string[];
  modelName: string | null;
  /** The framework the model came from (`ONNX`, `PyTorch`, `TFLite`...). */
  sourceFramework: string | null;
  /** Absent when the metadata does not describe the tensors. */
  inputs?: RknnTensorInfo[];
  outputs?: RknnTensorInfo[];
  warnings: string[];
}

export type RknnMetadataSummary = Pick<
  RknnModelInfo,
  | 'toolkitVersion'
  | 'toolkitVersionRaw'
  | 'targetPlatforms'
  | 'modelName'
  | 'sourceFramework'
  | 'inputs'
  | 'outputs'
> & { warnings: string[] };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the fields Coral uses from the toolkit's JSON; never throws on odd shapes. */
export function summarizeRknnMetadata(meta: Record<string, unknown>): RknnMetadataSummary {
  const warnings: string[] = [];
  const toolkitVersionRaw = str(meta.version);
  const toolkitVersion = parseRknnVersion(toolkitVersionRaw)?.text ?? null;
  if (!toolkitVersionRaw) warnings.push('The metadata does not record the toolkit version.');
  else if (!toolkitVersion)
    warnings.push(`The toolkit version "${toolkitVersionRaw}" is not a version number.`);

  const rawTargets = meta.target_platform;
  const list = Array.isArray(rawTargets)
    ? rawTargets
    : rawTargets === undefined
      ? []
      : [rawTargets];
  const targetPlatforms = list
    .map(str)
    .filter((t): t is string => t !== null)
    .map((t) => t.toLowerCase());
  if (targetPlatforms.length === 0) {
    warnings.push(
      'The metadata names no target platform; the model-vs-board check cannot be made.',
    );
  }

  const summary: RknnMetadataSummary = {
    toolkitVersion,
    toolkitVersionRaw,
    targetPlatforms,
    modelName: str(meta.name),
    sourceFramework: str(meta.ori_network_platform) ?? str(meta.network_platform),
    warnings,
  };
  const tensors = tensorsOf(meta);
  if (tensors) {
    summary.inputs = tensors.inputs;
    summary.outputs = tensors.outputs;
  }
  return summary;
}

/** toolkit2 metadata: `graph` links `input`/`output` slots to entries of `norm_tensor`. */
function tensorsOf(
  meta: Record<string, unknown>,
): { inputs: RknnTensorInfo[]; outputs: RknnTensorInfo[] } | undefined {
  const graph = meta.graph;
  const norm = meta.norm_tensor;
  if (!Array.isArray(graph) || !Array.isArray(norm)) return undefined;
  const byId = new Map<number, Record<string, unknown>>();
  for (const t of norm)
    if (isObject(t) && typeof t.tensor_id === 'number') byId.set(t.tensor_id, t);
  const slots: Record<'input' | 'output', Array<{ slot: number; tensor: RknnTensorInfo }>> = {
    input: [],
    output: [],
  };
  for (const link of graph) {
    if (!isObject(link) || link.right !== 'norm_tensor') continue;
    const side = link.left;
    if (side !== 'input' && side !== 'output') continue;
    const t = byId.get(Number(link.right_tensor_id));
    if (!t) continue;
    slots[side].push({ slot: Number(link.left_tensor_id) || 0, tensor: tensorInfo(t) });
  }
  if (slots.input.length === 0 && slots.output.length === 0) return undefined;
  const ordered = (xs: Array<{ slot: number; tensor: RknnTensorInfo }>) =>
    xs.sort((a, b) => a.slot - b.slot).map((x) => x.tensor);
  return { inputs: ordered(slots.input), outputs: ordered(slots.output) };
}

function tensorInfo(t: Record<string, unknown>): RknnTensorInfo {
  const dims = Array.isArray(t.size)
    ? t.size.filter((d): d is number => typeof d === 'number')
    : [];
  const info: RknnTensorInfo = {
    name: str(t.url) ?? str(t.name) ?? `tensor_${String(t.tensor_id)}`,
    dims,
  };
  if (isObject(t.dtype)) {
    const vx = str(t.dtype.vx_type);
    const qnt = str(t.dtype.qnt_type);
    const method = str(t.dtype.qnt_method);
    if (vx) info.dtype = vx.toLowerCase().replace(/^vsi_nn_type_/, '');
    if (qnt && qnt.toLowerCase() !== 'none') info.qntType = qnt.toLowerCase();
    if (method && info.qntType) info.qntMethod = method.toLowerCase();
  }
  return info;
}

/** A ByteSource over an open file: reads only the header, the metadata and a few data bytes. */
async function fileSource(
  file: string,
): Promise<{ source: ByteSource; close: () => Promise<void> }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    throw fileError(file, e);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notAFile(file);
    const source: ByteSource = {
      label: file,
      size: stat.size,
      read: async (offset, length) => {
        const buf = Buffer.alloc(Math.max(0, Math.min(length, stat.size - offset)));
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        return buf.subarray(0, bytesRead);
      },
    };
    return { source, close: () => handle.close() };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function inspectRknn(file: string): Promise<RknnModelInfo> {
  const abs = path.resolve(file);
  const { source, close } = await fileSource(abs);
  let container;
  try {
    container = await readRknnContainer(source);
  } finally {
    await close();
  }
  const summary = summarizeRknnMetadata(container.metadata);
  return {
    file: abs,
    size: source.size,
    sha256: await sha256File(abs),
    containerVersion: container.containerVersion,
    dataFormat: container.dataFormat,
    ...summary,
    warnings: [...container.warnings, ...summary.warnings],
  };
}

function notAFile(file: string): RknnModelError {
  return new RknnModelError('RKNN_MODEL_NOT_A_FILE', `${file} is not a file (a directory?).`, {
    hint: 'Give the path of the .rknn file itself.',
  });
}

function fileError(file: string, e: unknown): RknnModelError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new RknnModelError('RKNN_MODEL_NOT_FOUND', `${file} does not exist.`, {
      hint: 'Check the path (it is relative to the current directory).',
      cause: e,
    });
  }
  if (code === 'EISDIR') return notAFile(file);
  return new RknnModelError(
    'RKNN_MODEL_UNREADABLE',
    `${file} cannot be read (${code ?? String(e)}).`,
    {
      hint: 'Check the file permissions.',
      cause: e,
    },
  );
}
