/**
 * Models the page can pick without a file dialog: the bundled samples (resources/models, listed
 * in models.json) and files uploaded from the browser (browser mode has no path to a file the
 * user chose, so the bytes come over the socket and are kept under <dataDir>/models).
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CoralError } from '../runtime/errors';
import type { SampleModel } from './contract';
import type { ModelsPort } from './services';

interface ModelsManifest {
  models?: Array<{ file?: unknown; title?: unknown; description?: unknown; size?: unknown }>;
}

export class ModelStore implements ModelsPort {
  constructor(
    private readonly resourcesDir: string,
    private readonly dataDir: string,
  ) {}

  get uploadDir(): string {
    return path.join(this.dataDir, 'models');
  }

  async samples(): Promise<SampleModel[]> {
    const dir = path.join(this.resourcesDir, 'models');
    let manifest: ModelsManifest;
    try {
      manifest = JSON.parse(
        await fs.readFile(path.join(dir, 'models.json'), 'utf8'),
      ) as ModelsManifest;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CoralError(
        'MODELS_MANIFEST_INVALID',
        `${path.join(dir, 'models.json')} cannot be read.`,
        {
          hint: 'Regenerate the sample models (scripts/generate-models).',
          cause: e,
        },
      );
    }
    const out: SampleModel[] = [];
    for (const m of manifest.models ?? []) {
      if (typeof m.file !== 'string' || m.file.includes('/') || m.file.includes('\\')) continue;
      const file = path.join(dir, m.file);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat?.isFile()) continue;
      out.push({
        name: typeof m.title === 'string' ? m.title : m.file,
        file: m.file,
        path: file,
        format: path.extname(m.file).toLowerCase(),
        sizeBytes: stat.size,
        ...(typeof m.description === 'string' ? { description: m.description } : {}),
      });
    }
    return out;
  }

  /** Stores the bytes as <dataDir>/models/<sha256 prefix>-<name>; the same file is stored once. */
  async upload(name: string, bytes: Uint8Array): Promise<{ path: string; sizeBytes: number }> {
    const base = path.basename(name);
    if (!base || base !== name || base === '.' || base === '..') {
      throw new CoralError('INVALID_PAYLOAD', `"${name}" is not a file name.`, {
        hint: 'Send the file name only, without directories.',
      });
    }
    const sha = crypto.createHash('sha256').update(bytes).digest('hex');
    const target = path.join(this.uploadDir, `${sha.slice(0, 12)}-${base}`);
    await fs.mkdir(this.uploadDir, { recursive: true });
    const existing = await fs.stat(target).catch(() => undefined);
    if (existing?.size !== bytes.byteLength) {
      const tmp = `${target}.${process.pid}.tmp`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, target);
    }
    return { path: target, sizeBytes: bytes.byteLength };
  }
}
