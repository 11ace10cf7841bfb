/**
 * Reads an app.asar the way Electron does, without a library: the archive starts with two
 * Chromium pickles — the first holds the size of the second, the second holds the JSON header —
 * followed by the file data. The header is a tree of `{ files: { name: node } }` where a file
 * node has `size`, `offset` (a string, into the data) and `unpacked: true` when its bytes live
 * in app.asar.unpacked/ next to the archive.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';

export class AsarFormatError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'AsarFormatError';
  }
}

interface AsarNode {
  files?: Record<string, AsarNode>;
  size?: number;
  offset?: string;
  unpacked?: boolean;
  link?: string;
}

export interface AsarEntry {
  /** posix path inside the archive */
  path: string;
  size: number;
  unpacked: boolean;
  /** byte offset into the data area (packed files only) */
  offset: number;
}

export interface AsarArchive {
  file: string;
  dataStart: number;
  entries: Map<string, AsarEntry>;
}

export function readAsar(file: string): AsarArchive {
  const fd = openSync(file, 'r');
  try {
    const sizePickle = Buffer.alloc(8);
    if (readSync(fd, sizePickle, 0, 8, 0) !== 8)
      throw new AsarFormatError(file, 'too short for an asar header');
    // Pickle 1: uint32 payload size (= 4), uint32 header-pickle size.
    if (sizePickle.readUInt32LE(0) !== 4)
      throw new AsarFormatError(file, 'not an asar archive (bad size pickle)');
    const headerSize = sizePickle.readUInt32LE(4);
    const headerPickle = Buffer.alloc(headerSize);
    if (readSync(fd, headerPickle, 0, headerSize, 8) !== headerSize)
      throw new AsarFormatError(file, 'truncated header');
    // Pickle 2: uint32 payload size, uint32 string length, UTF-8 JSON.
    const jsonLength = headerPickle.readUInt32LE(4);
    let root: AsarNode;
    try {
      root = JSON.parse(headerPickle.toString('utf8', 8, 8 + jsonLength)) as AsarNode;
    } catch (err) {
      throw new AsarFormatError(file, `header is not JSON (${(err as Error).message})`);
    }
    const entries = new Map<string, AsarEntry>();
    const walk = (node: AsarNode, prefix: string) => {
      for (const [name, child] of Object.entries(node.files ?? {})) {
        const p = prefix ? `${prefix}/${name}` : name;
        if (child.files) walk(child, p);
        else if (child.link === undefined) {
          entries.set(p, {
            path: p,
            size: child.size ?? 0,
            unpacked: child.unpacked === true,
            offset: Number(child.offset ?? 0),
          });
        }
      }
    };
    walk(root, '');
    return { file, dataStart: 8 + headerSize, entries };
  } finally {
    closeSync(fd);
  }
}

/** The bytes of one file, from the archive or from app.asar.unpacked/. */
export function readAsarFile(archive: AsarArchive, entryPath: string): Buffer {
  const entry = archive.entries.get(entryPath);
  if (!entry) throw new AsarFormatError(archive.file, `no file ${entryPath}`);
  if (entry.unpacked)
    return readFileSync(path.join(`${archive.file}.unpacked`, ...entryPath.split('/')));
  const fd = openSync(archive.file, 'r');
  try {
    const buf = Buffer.alloc(entry.size);
    readSync(fd, buf, 0, entry.size, archive.dataStart + entry.offset);
    return buf;
  } finally {
    closeSync(fd);
  }
}
