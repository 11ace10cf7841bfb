import fs from 'node:fs';
import path from 'node:path';
import { CoralError } from '../../runtime/errors';
import { resourcesDir } from '../../runtime/paths';

/** A bundled sample model (resources/models, written by `npm run models`). */
export interface SampleModel {
  /** Human title ("Tiny classifier"). */
  name: string;
  file: string;
  /** Absolute path; give it to BenchService.start or inspectOnnx. */
  path: string;
  format: string;
  sizeBytes: number;
  description?: string;
  flops?: number;
  sha256?: string;
}

interface Manifest {
  models: Array<{
    file: string;
    title: string;
    description: string;
    flops: number;
    size: number;
    sha256: string;
  }>;
}

/** The sample models listed in resources/models/models.json that exist on disk. */
export function sampleModels(dir = path.join(resourcesDir(), 'models')): SampleModel[] {
  const manifestFile = path.join(dir, 'models.json');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
  } catch (e) {
    throw new CoralError(
      'SAMPLES_MISSING',
      `The sample model list ${manifestFile} cannot be read.`,
      {
        hint: 'Run `npm run models` to generate the sample models.',
        cause: e,
      },
    );
  }
  return manifest.models
    .filter((m) => fs.existsSync(path.join(dir, m.file)))
    .map((m) => ({
      name: m.title,
      file: m.file,
      path: path.join(dir, m.file),
      format: path.extname(m.file).slice(1),
      sizeBytes: m.size,
      description: m.description,
      flops: m.flops,
      sha256: m.sha256,
    }));
}

/** The path of one sample model by file name (`tiny-classifier.onnx`). */
export function sampleModelPath(file: string, dir = path.join(resourcesDir(), 'models')): string {
  return path.join(dir, file);
}
