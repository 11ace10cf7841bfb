/**
 * The `.rknn` container, read without loading the model into memory:
 *
 *   "RKNN" + 4 zero bytes | uint64 version | uint64 data size | (versions >= 2: 40 reserved bytes)
 *   | compiled model data | uint64 JSON size | JSON metadata
 *
 * All integers are little-endian. Encrypted models start with "CYPTRKNN" instead. Anything else
 * (an HTML page saved as a model, a renamed ONNX file, a Git LFS pointer, a cut-off copy) gets an
 * RknnModelError that names the file and says what it looks like and what to do.
 */
import { CoralError } from '../../runtime/errors';

export class RknnModelError extends CoralError {
  constructor(
    code: string,
    message: string,
    options: { hint?: string; detail?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = 'RknnModelError';
  }
}

/** Random access to the bytes of a model (a file or a buffer); `label` names it in errors. */
export interface ByteSource {
  label: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array, label = '<buffer>'): ByteSource {
  return {
    label,
    size: bytes.byteLength,
    read: async (offset, length) =>
      bytes.subarray(offset, Math.min(offset + length, bytes.byteLength)),
  };
}

export type RknnDataFormat = 'flatbuffers' | 'openvx' | 'rknn' | 'unknown';

export interface RknnContainer {
  /** Container format version from the header (6 for current rknn-toolkit2 output). */
  containerVersion: number;
  headerSize: number;
  dataOffset: number;
  dataSize: number;
  /** What the compiled model data looks like (toolkit2 writes flatbuffers). */
  dataFormat: RknnDataFormat;
  jsonOffset: number;
  jsonSize: number;
  /** The JSON metadata document, as written by the toolkit. */
  metadata: Record<string, unknown>;
  /** Oddities that do not stop reading (trailing bytes, non-zero padding). */
  warnings: string[];
}

const MAGIC = [0x52, 0x4b, 0x4e, 0x4e]; // RKNN
const CRYPT_MAGIC = [0x43, 0x59, 0x50, 0x54, 0x52, 0x4b, 0x4e, 0x4e]; // CYPTRKNN
const BASE_HEADER = 24;
const RESERVED_V2 = 40;
const MAX_JSON = 64 * 1024 * 1024;

/** Container versions seen in the wild; 0x100x are the same layouts with a variant bit. */
export const KNOWN_CONTAINER_VERSIONS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 0x1001, 0x1002, 0x1003, 0x1004,
];

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.byteLength < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

function readU64(bytes: Uint8Array, at: number): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const v = view.getBigUint64(at, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Says what a file that is not an RKNN container looks like, from its first bytes. */
export function sniffNonRknn(head: Uint8Array): { what: string; hint: string } {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512));
  const lower = text.trimStart().toLowerCase();
  if (
    lower.startsWith('<!doctype html') ||
    lower.startsWith('<html') ||
    /<(head|body|title)[\s>]/.test(lower)
  ) {
    return {
      what: 'an HTML page, not a model (a web page saved instead of the file, e.g. a GitHub "blob" link)',
      hint: 'Download the raw file (GitHub: the "raw" link or `?raw=true`) and try again.',
    };
  }
  if (lower.startsWith('version https://git-lfs.github.com/spec')) {
    return {
      what: 'a Git LFS pointer, not the model itself',
      hint: 'Run `git lfs pull` in the repository the model came from.',
    };
  }
  if (lower.startsWith('{') || lower.startsWith('[')) {
    return {
      what: 'a JSON text file',
      hint: 'Point Coral at the .rknn file exported by rknn-toolkit2.',
    };
  }
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) {
    return {
      what: 'an executable or shared library (ELF)',
      hint: 'Point Coral at a .rknn model file.',
    };
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    return {
      what: 'a ZIP archive (a PyTorch checkpoint or a zipped download?)',
      hint: 'Unpack it, or convert the model with rknn-toolkit2 and export a .rknn file.',
    };
  }
  if (startsWith(head, [0x1f, 0x8b])) {
    return { what: 'a gzip archive', hint: 'Unpack it first (`gunzip` / `tar xzf`).' };
  }
  if (startsWith(head, [0x54, 0x46, 0x4c, 0x33], 4)) {
    return {
      what: 'a TensorFlow Lite model',
      hint: 'Convert it with rknn-toolkit2 (rknn.load_tflite, then rknn.export_rknn).',
    };
  }
  if (looksLikeOnnx(head, text)) {
    return {
      what: 'an ONNX model (renamed to .rknn?)',
      hint: 'Convert it with rknn-toolkit2 (rknn.load_onnx, rknn.build, rknn.export_rknn), or benchmark it as .onnx.',
    };
  }
  return {
    what: 'not an RKNN model (no "RKNN" signature at the start)',
    hint: 'Export the model with rknn-toolkit2 `rknn.export_rknn()`; a damaged copy may need to be copied again.',
  };
}

/** ONNX is a protobuf ModelProto: field 1 (ir_version, varint) first, a producer name soon after. */
function looksLikeOnnx(head: Uint8Array, text: string): boolean {
  if (head[0] !== 0x08 || head.byteLength < 4) return false;
  return /pytorch|onnx|tf2onnx|keras2onnx|skl2onnx|paddle/i.test(text);
}

/**
 * Reads and checks the container. Throws RknnModelError (codes RKNN_MODEL_EMPTY,
 * RKNN_MODEL_NOT_RKNN, RKNN_MODEL_ENCRYPTED, RKNN_MODEL_UNSUPPORTED_VERSION,
 * RKNN_MODEL_TRUNCATED, RKNN_MODEL_DAMAGED) naming `source.label`.
 */
export async function readRknnContainer(source: ByteSource): Promise<RknnContainer> {
  const { label, size } = source;
  if (size === 0) {
    throw new RknnModelError('RKNN_MODEL_EMPTY', `${label} is empty (0 bytes).`, {
      hint: 'The copy or download did not finish; fetch the model again.',
    });
  }
  const head = await source.read(0, Math.min(size, 512));
  if (startsWith(head, CRYPT_MAGIC)) {
    throw new RknnModelError(
      'RKNN_MODEL_ENCRYPTED',
      `${label} is an encrypted RKNN model (CYPTRKNN); its metadata cannot be read.`,
      {
        hint: 'Inspect the unencrypted model instead; the board runtime can still load the encrypted one.',
      },
    );
  }
  if (!startsWith(head, MAGIC)) {
    if (startsWith(head, MAGIC, 4)) {
      throw new RknnModelError(
        'RKNN_MODEL_UNSUPPORTED_VARIANT',
        `${label} is a bare RKNN flatbuffer without the .rknn container header.`,
        { hint: 'Export the model with rknn.export_rknn(); Coral reads the container format.' },
      );
    }
    const { what, hint } = sniffNonRknn(head);
    throw new RknnModelError('RKNN_MODEL_NOT_RKNN', `${label} is ${what}.`, { hint });
  }
  if (size < BASE_HEADER) {
    throw truncated(
      label,
      `the header is cut off after ${plural(size, 'byte')} (at least ${BASE_HEADER} expected)`,
    );
  }
  const warnings: string[] = [];
  if (head[4] !== 0 || head[5] !== 0 || head[6] !== 0 || head[7] !== 0) {
    warnings.push('The 4 bytes after the RKNN signature are not zero.');
  }
  const containerVersion = readU64(head, 8);
  if (containerVersion === undefined || !KNOWN_CONTAINER_VERSIONS.includes(containerVersion)) {
    const shown =
      containerVersion === undefined ? 'an out-of-range value' : String(containerVersion);
    throw new RknnModelError(
      'RKNN_MODEL_UNSUPPORTED_VERSION',
      `${label} has RKNN container version ${shown}, which Coral does not know (known: 1-6).`,
      {
        hint: 'It may come from a newer rknn-toolkit2 than this Coral Studio knows; update Coral Studio, or report the toolkit version used.',
        detail: { containerVersion },
      },
    );
  }
  const dataSize = readU64(head, 16);
  if (dataSize === undefined) throw damaged(label, 'the model data size in the header is absurd');
  if (dataSize === 0) throw damaged(label, 'it contains no compiled model data');
  const headerSize = (containerVersion & 0xff) >= 2 ? BASE_HEADER + RESERVED_V2 : BASE_HEADER;
  if (size < headerSize) {
    throw truncated(
      label,
      `the header is cut off after ${plural(size, 'byte')} (${headerSize} expected)`,
    );
  }
  const dataOffset = headerSize;
  const jsonSizeOffset = dataOffset + dataSize;
  if (jsonSizeOffset + 8 > size) {
    throw truncated(
      label,
      `the header declares ${plural(dataSize, 'byte')} of model data but the file ends after ${plural(size, 'byte')}`,
    );
  }
  const jsonSize = readU64(await source.read(jsonSizeOffset, 8), 0);
  if (jsonSize === undefined || jsonSize > MAX_JSON) {
    throw damaged(
      label,
      'the metadata size after the model data is absurd (the data size in the header may be wrong)',
    );
  }
  if (jsonSize === 0) throw damaged(label, 'it has no metadata (JSON size 0)');
  const jsonOffset = jsonSizeOffset + 8;
  if (jsonOffset + jsonSize > size) {
    throw truncated(
      label,
      `the metadata needs ${plural(jsonSize, 'byte')} but only ${plural(size - jsonOffset, 'byte')} remain`,
    );
  }
  if (jsonOffset + jsonSize < size) {
    warnings.push(`${plural(size - jsonOffset - jsonSize, 'unexpected byte')} after the metadata.`);
  }
  const metadata = parseMetadata(await source.read(jsonOffset, jsonSize), label);
  const dataHead = await source.read(dataOffset, Math.min(dataSize, 16));
  return {
    containerVersion,
    headerSize,
    dataOffset,
    dataSize,
    dataFormat: dataFormatOf(dataHead),
    jsonOffset,
    jsonSize,
    metadata,
    warnings,
  };
}

function dataFormatOf(head: Uint8Array): RknnDataFormat {
  if (startsWith(head, MAGIC, 4)) return 'flatbuffers';
  if (startsWith(head, [0x56, 0x50, 0x4d, 0x4e])) return 'openvx';
  if (startsWith(head, MAGIC)) return 'rknn';
  return 'unknown';
}

function parseMetadata(bytes: Uint8Array, label: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    throw damaged(
      label,
      'its metadata is not UTF-8 text (the data size in the header may be wrong)',
      e,
    );
  }
  // eslint-disable-next-line no-control-regex -- the toolkit may pad the JSON with NULs
  text = text.replace(/\u0000+$/, '');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw damaged(label, `its metadata is not valid JSON (${(e as Error).message})`, e);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw damaged(label, 'its metadata is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function truncated(label: string, what: string): RknnModelError {
  return new RknnModelError('RKNN_MODEL_TRUNCATED', `${label} is truncated: ${what}.`, {
    hint: 'The copy or download was cut off; fetch the model again and compare its sha256 with the original.',
  });
}

function damaged(label: string, what: string, cause?: unknown): RknnModelError {
  return new RknnModelError('RKNN_MODEL_DAMAGED', `${label} is damaged: ${what}.`, {
    hint: 'Export the model again with rknn-toolkit2, or copy it again from the machine that built it.',
    ...(cause === undefined ? {} : { cause }),
  });
}
