import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeBenchmarkLog } from '../../../../electron/backends/rknn/benchmark-import';
import {
  parseRknnBenchmarkLog,
  RknnBenchmarkLogError,
  RknnBenchmarkLogParser,
  type RknnLogEvent,
} from '../../../../electron/backends/rknn/benchmark-log';
import { type CoralError } from '../../../../electron/runtime/errors';

const dir = path.resolve(__dirname, '../../../fixtures/rknn-benchmark');
const files = fs.readdirSync(dir);
const corpus = files
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => {
    const stem = f.replace(/\.expected\.json$/, '');
    const input = files.find((g) => g.startsWith(`${stem}.`) && !g.endsWith('.expected.json'));
    if (!input) throw new Error(`corpus case ${stem} has no input file`);
    return {
      stem,
      file: path.join(dir, input),
      expected: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')),
    };
  });

function caught(fn: () => unknown): CoralError {
  try {
    fn();
  } catch (e) {
    return e as CoralError;
  }
  throw new Error('expected an error');
}

/** Feeds bytes in uneven chunks (splitting CRLF pairs and UTF-8 sequences). */
function parseInChunks(bytes: Buffer, sizes: number[]) {
  const events: RknnLogEvent[] = [];
  const p = new RknnBenchmarkLogParser({ onEvent: (e) => events.push(e) });
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    p.push(bytes.subarray(at, at + n));
    at += n;
  }
  return { log: p.end(), events };
}

describe('rknn_benchmark log corpus (test/fixtures/rknn-benchmark)', () => {
  it('covers runs, failures and non-logs', () => {
    expect(corpus.filter((c) => c.expected.import).length).toBeGreaterThanOrEqual(6);
    expect(corpus.filter((c) => c.expected.importError).length).toBeGreaterThanOrEqual(3);
    expect(corpus.filter((c) => c.expected.error).length).toBeGreaterThanOrEqual(3);
  });

  for (const c of corpus) {
    it(`${c.stem}: ${c.expected.description}`, () => {
      const bytes = fs.readFileSync(c.file);
      const e = c.expected;
      if (e.error) {
        const err = caught(() => parseRknnBenchmarkLog(bytes, { source: c.file }));
        expect(err).toBeInstanceOf(RknnBenchmarkLogError);
        expect(err.code).toBe(e.error.code);
        expect(err.message).toContain(c.file);
        for (const part of e.error.message) expect(err.message).toContain(part);
        expect(err.hint).toBeTruthy();
        return;
      }
      const log = parseRknnBenchmarkLog(bytes, { source: c.file });
      expect(log).toMatchObject(e.parse);
      const counts = e.counts ?? {};
      if (counts.warmup !== undefined) expect(log.warmup).toHaveLength(counts.warmup);
      if (counts.samples !== undefined) expect(log.samples).toHaveLength(counts.samples);
      if (counts.failures !== undefined) expect(log.failures).toHaveLength(counts.failures);
      if (counts.runtimeMessages !== undefined)
        expect(log.runtimeMessages).toHaveLength(counts.runtimeMessages);
      expect(log.warmup.every((w) => w.phase === 'warmup')).toBe(true);
      expect(log.samples.every((s) => s.phase === 'measure')).toBe(true);
      if (Array.isArray(e.warnings)) {
        if (e.warnings.length === 0) expect(log.warnings).toEqual([]);
        for (const w of e.warnings) expect(log.warnings.join('\n')).toContain(w);
      }

      // The stream form gives the same result whatever the chunking.
      for (const sizes of [[1], [7, 3, 64], [4096]]) {
        expect(parseInChunks(bytes, sizes).log).toEqual(log);
      }

      if (e.import) {
        const run = summarizeBenchmarkLog(log, { source: c.file, board: 'rock5b' });
        expect(run).toMatchObject(e.import);
        expect(run.board).toBe('rock5b');
        expect(run.stats.samples).toHaveLength(log.samples.length);
        for (const w of e.importWarnings ?? []) expect(run.warnings.join('\n')).toContain(w);
      }
      if (e.importError) {
        const err = caught(() => summarizeBenchmarkLog(log, { source: c.file }));
        expect(err).toBeInstanceOf(RknnBenchmarkLogError);
        expect(err.code).toBe(e.importError.code);
        expect(err.message).toContain(c.file);
        for (const part of e.importError.message)
          expect(err.message.toLowerCase()).toContain(part.toLowerCase());
        for (const part of e.importError.hint ?? []) expect(err.hint).toContain(part);
      }
    });
  }
});

describe('RknnBenchmarkLogParser (stream)', () => {
  it('emits each iteration as its line arrives, warm-up and measured apart', () => {
    const events: RknnLogEvent[] = [];
    const p = new RknnBenchmarkLogParser({ onEvent: (e) => events.push(e) });
    p.push('Warmup ...\n   0: Elapse Time = 30.10ms, FPS = 33.22\n');
    expect(events.at(-1)).toMatchObject({
      type: 'iteration',
      iteration: { phase: 'warmup', index: 0, ms: 30.1 },
    });
    p.push('Begin perf ...\n   0: Elapse Time = 12.5');
    expect(events.filter((e) => e.type === 'iteration')).toHaveLength(1); // the half line waits
    p.push('0ms, FPS = 80.00\n');
    expect(events.at(-1)).toMatchObject({
      type: 'iteration',
      iteration: { phase: 'measure', index: 0, ms: 12.5, fps: 80 },
    });
    expect(p.snapshot().samples).toHaveLength(1);
    p.push('\nAvg Time 12.50ms, Avg FPS = 80.000\n');
    expect(events.at(-1)).toMatchObject({ type: 'summary', avgMs: 12.5, avgFps: 80 });
    expect(p.end().complete).toBe(true);
  });

  it('keeps a CR that may be the first half of CRLF until the next chunk', () => {
    const events: RknnLogEvent[] = [];
    const p = new RknnBenchmarkLogParser({ onEvent: (e) => events.push(e) });
    p.push('Begin perf ...\r');
    p.push('\n   0: Elapse Time = 1.00ms, FPS = 1000.00\r');
    p.push('\n');
    const log = p.end();
    expect(log.samples).toHaveLength(1);
    expect(log.lines).toBe(2);
  });

  it('treats a lone CR as a line end (progress output over a pty)', () => {
    const log = parseRknnBenchmarkLog(
      'Begin perf ...\r   0: Elapse Time = 2.00ms, FPS = 500.00\r   1: Elapse Time = 2.20ms, FPS = 454.55\r',
    );
    expect(log.samples.map((s) => s.ms)).toEqual([2, 2.2]);
  });

  it('strips terminal colour codes', () => {
    const log = parseRknnBenchmarkLog(
      '\u001b[0mBegin perf ...\n\u001b[32m   0: Elapse Time = 3.00ms, FPS = 333.33\u001b[0m\n',
    );
    expect(log.samples).toHaveLength(1);
  });

  it('undoes printf("%d") of weight sizes above 2 GiB', () => {
    const log = parseRknnBenchmarkLog(
      'total weight size: -1294967296, total internal size: 1000\n',
    );
    expect(log.memory.weight).toBe(3_000_000_000);
  });

  it('keeps FPS null when the tool printed inf', () => {
    const log = parseRknnBenchmarkLog('Begin perf ...\n   0: Elapse Time = 0.00ms, FPS = inf\n');
    expect(log.samples[0]).toMatchObject({ ms: 0, fps: null });
  });

  it('names the RKNN error code of a failure and attaches the version-mismatch advice even if stderr came late', () => {
    const log = parseRknnBenchmarkLog(
      'rknn_init fail! ret=-1\nE RKNN: [10:00:00.000] Invalid RKNN model version 6\n',
    );
    expect(log.failures[0]).toMatchObject({
      api: 'rknn_init',
      code: -1,
      codeName: 'RKNN_ERR_FAIL',
    });
    expect(log.failures[0].hint).toContain('Invalid RKNN model version 6');
  });

  it('maps the input_set spelling of rknn_benchmark to the API name', () => {
    const log = parseRknnBenchmarkLog('rknn_input_set fail! ret=-5\n');
    expect(log.failures[0]).toMatchObject({
      api: 'rknn_inputs_set',
      codeName: 'RKNN_ERR_PARAM_INVALID',
    });
  });

  it('names unknown codes instead of guessing', () => {
    const log = parseRknnBenchmarkLog('rknn_query fail! ret=-42\n');
    expect(log.failures[0].codeName).toBe('RKNN_ERR_UNKNOWN(-42)');
  });

  it('refuses push() after end()', () => {
    const p = new RknnBenchmarkLogParser();
    p.end();
    expect(() => p.push('x')).toThrow();
  });

  it('flags a summary that disagrees with the iteration lines', () => {
    const log = parseRknnBenchmarkLog(
      'Begin perf ...\n   0: Elapse Time = 10.00ms, FPS = 100.00\n\nAvg Time 20.00ms, Avg FPS = 50.000\n',
    );
    expect(log.warnings.join()).toContain('lines may be missing');
  });
});
