import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OnnxInspectError,
  formatShape,
  inspectOnnx,
} from '../../../../electron/backends/onnx/inspect';
import { REPO_ROOT } from '../../../helpers/cli';

const CORPUS = path.join(REPO_ROOT, 'test/fixtures/onnx');

interface Case {
  file: string;
  error?: string;
  message?: string[];
  hint?: string[];
  expect?: Record<string, unknown>;
}

const { cases } = JSON.parse(fs.readFileSync(path.join(CORPUS, 'cases.json'), 'utf8')) as {
  cases: Case[];
};

describe('inspectOnnx on the corpus (test/fixtures/onnx/cases.json)', () => {
  it('has a case for every input file in the corpus folder', () => {
    const inputs = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.onnx'));
    const covered = new Set(cases.map((c) => c.file));
    expect(inputs.filter((f) => !covered.has(f))).toEqual([]);
  });

  for (const c of cases.filter((x) => x.error)) {
    it(`rejects ${c.file} with ${c.error}, naming the file`, async () => {
      const file = path.join(CORPUS, c.file);
      const err = await inspectOnnx(file).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OnnxInspectError);
      const e = err as OnnxInspectError;
      expect(e.code).toBe(c.error);
      expect(e.message).toContain(file);
      for (const words of c.message ?? []) expect(e.message).toContain(words);
      for (const words of c.hint ?? []) expect(e.hint).toContain(words);
      expect(e.hint?.length).toBeGreaterThan(10);
    });
  }

  for (const c of cases.filter((x) => x.expect)) {
    it(`parses ${path.basename(c.file)}`, async () => {
      const info = await inspectOnnx(path.join(CORPUS, c.file));
      expect(info).toMatchObject(c.expect as object);
    });
  }
});

describe('inspectOnnx', () => {
  it('reports size and sha256 of the file bytes', async () => {
    const file = path.join(REPO_ROOT, 'resources/models/tiny-classifier.onnx');
    const info = await inspectOnnx(file);
    const bytes = fs.readFileSync(file);
    const { createHash } = await import('node:crypto');
    expect(info.size).toBe(bytes.length);
    expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('resolves a relative path against the current directory', async () => {
    const info = await inspectOnnx(
      path.relative(process.cwd(), path.join(REPO_ROOT, 'resources/models/tiny-classifier.onnx')),
    );
    expect(path.isAbsolute(info.path)).toBe(true);
  });

  it('counts operators and weights of the detector', async () => {
    const info = await inspectOnnx(path.join(REPO_ROOT, 'resources/models/yolo-detector.onnx'));
    expect(info.operators[0]).toEqual({ op: 'Conv', count: 18 });
    expect(info.parameterCount).toBeGreaterThan(500_000);
    expect(info.externalData).toEqual([]);
  });
});

describe('formatShape', () => {
  it('joins dimensions with x, keeps symbolic names and marks unknown ones', () => {
    expect(formatShape([1, 3, 640, 640])).toBe('1x3x640x640');
    expect(formatShape(['batch', 10])).toBe('batchx10');
    expect(formatShape([null, 2])).toBe('?x2');
    expect(formatShape([])).toBe('scalar');
  });
});
