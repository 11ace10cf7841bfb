import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RknnModelError } from '../../../../electron/backends/rknn/container';
import { inspectRknn } from '../../../../electron/backends/rknn/inspect';
import { CoralError } from '../../../../electron/runtime/errors';
import { buildRknnFile } from '../../../../scripts/make-rknn';

const corpusDir = path.resolve(__dirname, '../../../fixtures/rknn-models');
const corpus = fs
  .readdirSync(corpusDir)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => {
    const stem = f.replace(/\.expected\.json$/, '');
    const input = fs
      .readdirSync(corpusDir)
      .find((g) => g.startsWith(`${stem}.`) && !g.endsWith('.expected.json'));
    return {
      stem,
      input: path.join(corpusDir, input as string),
      expected: JSON.parse(fs.readFileSync(path.join(corpusDir, f), 'utf8')),
    };
  });

describe('inspectRknn corpus (test/fixtures/rknn-models)', () => {
  it('has positive and negative cases', () => {
    expect(corpus.filter((c) => 'parse' in c.expected).length).toBeGreaterThanOrEqual(5);
    expect(corpus.filter((c) => 'error' in c.expected).length).toBeGreaterThanOrEqual(10);
  });

  for (const c of corpus) {
    it(`${c.stem}: ${c.expected.description}`, async () => {
      if ('parse' in c.expected) {
        const info = await inspectRknn(c.input);
        expect(info).toMatchObject(c.expected.parse);
        for (const w of c.expected.warnings ?? []) expect(info.warnings.join('\n')).toContain(w);
        if (!c.expected.warnings && c.expected.parse.warnings === undefined)
          expect(info.warnings).toEqual([]);
      } else {
        const err = await inspectRknn(c.input).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(RknnModelError);
        expect(err).toBeInstanceOf(CoralError);
        const e = err as RknnModelError;
        expect(e.code).toBe(c.expected.error.code);
        expect(e.message).toContain(c.input); // names the file
        for (const part of c.expected.error.message) expect(e.message).toContain(part);
        expect(e.hint, 'every model error says what to do').toBeTruthy();
      }
    });
  }
});

describe('inspectRknn', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-inspect-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports the file size and the sha256 of the whole file', async () => {
    const bytes = buildRknnFile({ dataSize: 300_000, seed: 3 });
    const file = path.join(dir, 'big.rknn');
    fs.writeFileSync(file, bytes);
    const info = await inspectRknn(file);
    expect(info.size).toBe(bytes.length);
    expect(info.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(info.file).toBe(file);
  });

  it('resolves a relative path so messages and results name the absolute file', async () => {
    const file = path.join(dir, 'rel.rknn');
    fs.writeFileSync(file, buildRknnFile());
    const info = await inspectRknn(path.relative(process.cwd(), file));
    expect(info.file).toBe(file);
  });

  it('says a missing file does not exist, naming it', async () => {
    const missing = path.join(dir, 'nope.rknn');
    await expect(inspectRknn(missing)).rejects.toMatchObject({
      code: 'RKNN_MODEL_NOT_FOUND',
      message: expect.stringContaining(missing),
    });
  });

  it('refuses a directory with a clear error', async () => {
    await expect(inspectRknn(dir)).rejects.toMatchObject({ code: 'RKNN_MODEL_NOT_A_FILE' });
  });

  it('tells a container-version-2 file apart from version 1 by its 40 reserved bytes', async () => {
    for (const containerVersion of [1, 2, 5, 6, 0x1002]) {
      const file = path.join(dir, `v${containerVersion}.rknn`);
      fs.writeFileSync(file, buildRknnFile({ containerVersion, targetPlatform: ['rk3576'] }));
      const info = await inspectRknn(file);
      expect(info.containerVersion).toBe(containerVersion);
      expect(info.targetPlatforms).toEqual(['rk3576']);
    }
  });
});
