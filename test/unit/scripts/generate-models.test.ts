import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectOnnx } from '../../../electron/backends/onnx/inspect';
import { sampleModels } from '../../../electron/backends/onnx/samples';
import { MANIFEST_FILE, buildModels, manifest } from '../../../scripts/generate-models';
import { REPO_ROOT } from '../../helpers/cli';

const MODELS = path.join(REPO_ROOT, 'resources/models');

describe('npm run models (scripts/generate-models.ts)', () => {
  const models = buildModels();

  it('builds the same bytes every time (fixed seeds, no platform-dependent math)', () => {
    const again = buildModels();
    expect(again.map((m) => m.sha256)).toEqual(models.map((m) => m.sha256));
  });

  it('matches the committed sample models and their manifest', () => {
    for (const m of models) {
      expect(Buffer.from(m.bytes).equals(fs.readFileSync(path.join(MODELS, m.file))), m.file).toBe(
        true,
      );
    }
    expect(fs.readFileSync(path.join(MODELS, MANIFEST_FILE), 'utf8')).toBe(manifest(models));
  });

  it('keeps the detector at 1 GFLOP or more and everything small enough to commit', () => {
    const detector = models.find((m) => m.file === 'yolo-detector.onnx');
    expect(detector?.flops).toBeGreaterThanOrEqual(1e9);
    expect(models.reduce((n, m) => n + m.bytes.length, 0)).toBeLessThan(5 * 1024 * 1024);
  });

  it('lists the samples for the UI with absolute paths that inspect', async () => {
    const samples = sampleModels(MODELS);
    expect(samples.map((s) => s.file)).toEqual([
      'tiny-classifier.onnx',
      'dynamic-classifier.onnx',
      'yolo-detector.onnx',
    ]);
    for (const s of samples) {
      expect(path.isAbsolute(s.path)).toBe(true);
      const info = await inspectOnnx(s.path);
      expect(info.sha256).toBe(s.sha256);
      expect(info.size).toBe(s.sizeBytes);
    }
  });

  it('says how to regenerate when the sample list is missing', () => {
    expect(() => sampleModels(path.join(REPO_ROOT, 'test/fixtures'))).toThrow(
      expect.objectContaining({
        code: 'SAMPLES_MISSING',
        hint: expect.stringContaining('npm run models'),
      }),
    );
  });
});
