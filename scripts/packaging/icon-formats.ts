/**
 * The two icon containers the installers need, written and read without a library: both are
 * a small directory of images (PNG, or BMP for the small Windows sizes) behind a fixed header.
 *
 * - ICO (Windows, NSIS): ICONDIR (6 bytes) + one ICONDIRENTRY (16 bytes) per image + the
 *   images. Sizes below 256 are stored as 32-bit DIBs, which every Windows icon reader
 *   (Explorer, rcedit/resedit, NSIS's makensis) accepts; 256 is stored as PNG, as Windows
 *   Vista+ expects for that size.
 * - ICNS (macOS): "icns" + big-endian total length, then entries of OSType + length + data;
 *   every entry type used here holds a PNG.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class IconFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IconFormatError';
  }
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** Reads a PNG's IHDR: throws IconFormatError when the bytes are not a PNG. */
export function readPngInfo(png: Buffer): PngInfo {
  if (png.length < 33 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new IconFormatError('not a PNG: missing the PNG signature');
  }
  if (png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new IconFormatError('not a PNG: the first chunk is not IHDR');
  }
  return {
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
    bitDepth: png.readUInt8(24),
    colorType: png.readUInt8(25),
  };
}

/** An image to put in an icon container. `rgba` is straight (not premultiplied) RGBA, row-major. */
export interface IconImage {
  size: number;
  png: Buffer;
  rgba: Uint8Array;
}

/** Sizes at or above this go into the ICO as PNG; smaller ones as BMP. */
const ICO_PNG_MIN_SIZE = 256;

function encodeDib(image: IconImage): Buffer {
  const { size, rgba } = image;
  if (rgba.length !== size * size * 4) {
    throw new IconFormatError(
      `RGBA data for ${size}x${size} must be ${size * size * 4} bytes, got ${rgba.length}`,
    );
  }
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0); // biSize
  header.writeInt32LE(size, 4); // biWidth
  header.writeInt32LE(size * 2, 8); // biHeight: XOR bitmap + AND mask
  header.writeUInt16LE(1, 12); // biPlanes
  header.writeUInt16LE(32, 14); // biBitCount
  // biCompression 0 (BI_RGB), biSizeImage 0 allowed for BI_RGB, resolutions and palette 0.
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    const src = (size - 1 - y) * size * 4; // DIBs are stored bottom-up
    for (let x = 0; x < size; x++) {
      const s = src + x * 4;
      const d = (y * size + x) * 4;
      pixels[d] = rgba[s + 2]; // B
      pixels[d + 1] = rgba[s + 1]; // G
      pixels[d + 2] = rgba[s]; // R
      pixels[d + 3] = rgba[s + 3]; // A
    }
  }
  // AND mask: 1 bit per pixel, rows padded to 32 bits; all zero because alpha carries transparency.
  const maskRow = Math.ceil(size / 32) * 4;
  return Buffer.concat([header, pixels, Buffer.alloc(maskRow * size)]);
}

export function encodeIco(images: readonly IconImage[]): Buffer {
  if (images.length === 0) throw new IconFormatError('an ICO needs at least one image');
  const sorted = [...images].sort((a, b) => a.size - b.size);
  const payloads = sorted.map((img) => {
    if (img.size < 1 || img.size > 256)
      throw new IconFormatError(`ICO images must be 1..256 px, got ${img.size}`);
    return img.size >= ICO_PNG_MIN_SIZE ? img.png : encodeDib(img);
  });
  const dir = Buffer.alloc(6 + 16 * sorted.length);
  dir.writeUInt16LE(0, 0); // reserved
  dir.writeUInt16LE(1, 2); // type 1 = icon
  dir.writeUInt16LE(sorted.length, 4);
  let offset = dir.length;
  sorted.forEach((img, i) => {
    const e = 6 + 16 * i;
    dir.writeUInt8(img.size === 256 ? 0 : img.size, e); // 0 means 256
    dir.writeUInt8(img.size === 256 ? 0 : img.size, e + 1);
    dir.writeUInt8(0, e + 2); // palette colours
    dir.writeUInt8(0, e + 3); // reserved
    dir.writeUInt16LE(1, e + 4); // colour planes
    dir.writeUInt16LE(32, e + 6); // bits per pixel
    dir.writeUInt32LE(payloads[i].length, e + 8);
    dir.writeUInt32LE(offset, e + 12);
    offset += payloads[i].length;
  });
  return Buffer.concat([dir, ...payloads]);
}

export interface IcoEntry {
  size: number;
  format: 'png' | 'bmp';
  bytes: number;
}

export function parseIco(buf: Buffer): IcoEntry[] {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) {
    throw new IconFormatError('not an ICO: bad ICONDIR header');
  }
  const count = buf.readUInt16LE(4);
  if (buf.length < 6 + 16 * count) throw new IconFormatError('ICO truncated inside its directory');
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + 16 * i;
    const declared = buf.readUInt8(e) || 256;
    const bytes = buf.readUInt32LE(e + 8);
    const offset = buf.readUInt32LE(e + 12);
    if (offset + bytes > buf.length)
      throw new IconFormatError(`ICO entry ${i} points past the end of the file`);
    const data = buf.subarray(offset, offset + bytes);
    if (data.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const info = readPngInfo(data);
      if (info.width !== declared || info.height !== declared) {
        throw new IconFormatError(
          `ICO entry ${i} declares ${declared}px but holds a ${info.width}x${info.height} PNG`,
        );
      }
      entries.push({ size: declared, format: 'png', bytes });
    } else {
      if (data.length < 40 || data.readUInt32LE(0) !== 40) {
        throw new IconFormatError(`ICO entry ${i} is neither PNG nor a BITMAPINFOHEADER DIB`);
      }
      const w = data.readInt32LE(4);
      const h = data.readInt32LE(8);
      if (w !== declared || h !== declared * 2) {
        throw new IconFormatError(
          `ICO entry ${i} declares ${declared}px but holds a ${w}x${h / 2} bitmap`,
        );
      }
      entries.push({ size: declared, format: 'bmp', bytes });
    }
  }
  return entries;
}

/**
 * ICNS entry types that hold PNG data and the pixel size each must have.
 * icp4/icp5 are 16/32 (1x), ic07–ic10 are 128/256/512/1024, ic11–ic14 are the @2x variants
 * of 16/32/128/256.
 */
export const ICNS_TYPES: Readonly<Record<string, number>> = {
  icp4: 16,
  icp5: 32,
  ic11: 32,
  ic12: 64,
  ic07: 128,
  ic13: 256,
  ic08: 256,
  ic14: 512,
  ic09: 512,
  ic10: 1024,
};

export function encodeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const chunks: Buffer[] = [];
  for (const [type, size] of Object.entries(ICNS_TYPES)) {
    const png = pngBySize.get(size);
    if (!png) throw new IconFormatError(`ICNS type ${type} needs a ${size}px PNG`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    chunks.push(head, png);
  }
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export interface IcnsEntry {
  type: string;
  width: number;
  height: number;
}

export function parseIcns(buf: Buffer): IcnsEntry[] {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'icns')
    throw new IconFormatError('not an ICNS: bad magic');
  if (buf.readUInt32BE(4) !== buf.length) {
    throw new IconFormatError(
      `ICNS length field says ${buf.readUInt32BE(4)} bytes, file has ${buf.length}`,
    );
  }
  const entries: IcnsEntry[] = [];
  let pos = 8;
  while (pos < buf.length) {
    if (pos + 8 > buf.length) throw new IconFormatError('ICNS truncated inside an entry header');
    const type = buf.toString('latin1', pos, pos + 4);
    const len = buf.readUInt32BE(pos + 4);
    if (len < 8 || pos + len > buf.length)
      throw new IconFormatError(`ICNS entry ${type} has a bad length ${len}`);
    const data = buf.subarray(pos + 8, pos + len);
    if (type in ICNS_TYPES) {
      const info = readPngInfo(data);
      if (info.width !== ICNS_TYPES[type] || info.height !== ICNS_TYPES[type]) {
        throw new IconFormatError(
          `ICNS entry ${type} must be ${ICNS_TYPES[type]}px, holds ${info.width}x${info.height}`,
        );
      }
      entries.push({ type, width: info.width, height: info.height });
    }
    pos += len;
  }
  return entries;
}

/** resvg renders premultiplied RGBA; ICO bitmaps want straight alpha. */
export function unpremultiply(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 4) {
    const a = pixels[i + 3];
    out[i + 3] = a;
    if (a === 0) continue;
    for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round((pixels[i + c] * 255) / a));
  }
  return out;
}
