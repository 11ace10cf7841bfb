/**
 * The WebSocket wire format of browser mode. Electron IPC uses the structured clone, which keeps
 * typed arrays; JSON does not, and benchmark batches are typed arrays. So a message holding typed
 * arrays travels as one binary frame:
 *
 *   [u32 LE header length][header JSON, UTF-8][padding to 8][array bytes, each padded to 8]
 *
 * where each typed array in the JSON is replaced by `{"__ta": <index>}` and the header lists
 * `{type, offset, length}` per array. Messages without typed arrays are plain JSON text frames.
 * No Node or DOM dependencies: the web host and the renderer both import this file.
 */

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedName = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedName]>;

const MARK = '__ta';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

interface Header {
  v: unknown;
  b: { type: TypedName; offset: number; length: number }[];
}

export class WireError extends Error {
  readonly code = 'WIRE_INVALID';
}

function typedName(v: ArrayBufferView): TypedName | undefined {
  const name = v.constructor?.name as TypedName;
  return name in TYPED ? name : undefined;
}

/** Encodes a message: a string (no typed arrays inside) or a binary frame. */
export function encodeMessage(value: unknown): string | Uint8Array<ArrayBuffer> {
  const arrays: AnyTyped[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v) && typedName(v)) {
      arrays.push(v as AnyTyped);
      return { [MARK]: arrays.length - 1 };
    }
    return v;
  });
  if (arrays.length === 0) return json ?? 'null';

  const pad8 = (n: number) => (n + 7) & ~7;
  const b: Header['b'] = [];
  let offset = 0;
  for (const a of arrays) {
    b.push({ type: typedName(a) as TypedName, offset, length: a.length });
    offset = pad8(offset + a.byteLength);
  }
  const header = encoder.encode(JSON.stringify({ v: JSON.parse(json), b } satisfies Header));
  const dataStart = pad8(4 + header.byteLength);
  const out = new Uint8Array(dataStart + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  arrays.forEach((a, i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), dataStart + b[i].offset);
  });
  return out;
}

/** Decodes what encodeMessage produced. Throws WireError on anything malformed. */
export function decodeMessage(data: string | ArrayBuffer | ArrayBufferView): unknown {
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      throw new WireError('message is not valid JSON');
    }
  }
  // Copy into a fresh, 8-aligned ArrayBuffer when the view does not start at 0 (Node Buffers).
  let bytes: Uint8Array;
  if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
  else {
    const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    bytes = data.byteOffset % 8 === 0 ? view : view.slice();
  }
  if (bytes.byteLength < 4) throw new WireError('binary message shorter than its header');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new WireError('binary header runs past the end');
  let header: Header;
  try {
    header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength))) as Header;
  } catch {
    throw new WireError('binary header is not valid JSON');
  }
  if (!header || typeof header !== 'object' || !Array.isArray(header.b)) {
    throw new WireError('binary header has no array table');
  }
  const dataStart = (4 + headerLength + 7) & ~7;
  const arrays = header.b.map((d) => {
    const Ctor = TYPED[d?.type];
    const ok =
      Ctor &&
      Number.isSafeInteger(d.offset) &&
      Number.isSafeInteger(d.length) &&
      d.offset >= 0 &&
      d.length >= 0 &&
      d.offset % 8 === 0;
    const start = bytes.byteOffset + dataStart + (ok ? d.offset : 0);
    if (!ok || dataStart + d.offset + d.length * Ctor.BYTES_PER_ELEMENT > bytes.byteLength) {
      throw new WireError('binary array table entry is invalid');
    }
    return new Ctor(bytes.buffer as ArrayBuffer, start, d.length);
  });
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === MARK) {
        const a = arrays[o[MARK] as number];
        if (!a) throw new WireError('binary message refers to a missing array');
        return a;
      }
      for (const k of keys) o[k] = revive(o[k]);
    }
    return v;
  };
  return revive(header.v);
}

/** Messages of the browser-mode socket. Requests carry a per-socket id; `cancel` aborts one. */
export type ClientMessage =
  | { t: 'req'; id: string; ch: string; p: unknown }
  | { t: 'cancel'; id: string }
  | { t: 'sub'; ev: string }
  | { t: 'unsub'; ev: string };

export type ServerMessage =
  | { t: 'hello'; v: 1 }
  | {
      t: 'res';
      id: string | null;
      r:
        | { ok: true; data: unknown }
        | { ok: false; error: { code: string; message: string; hint?: string; detail?: unknown } };
    }
  | { t: 'ev'; ev: string; d: unknown };

export const WS_PATH = '/ws';
