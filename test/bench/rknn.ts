/**
 * `npm run bench -- rknn`: costs of the RKNN pieces, measured side by side. Prints, never fails.
 *
 * 1. inspectRknn on a 64 MB model vs reading the whole file: inspect reads the header and the
 *    metadata only, so the sha256 dominates; the ratio shows it stays close to one read.
 * 2. Parsing a 100 000-iteration rknn_benchmark log whole vs streamed in 4 KB chunks (the live
 *    path), in lines per second: the stream form must not cost more than the whole-text form.
 * 3. One run through the native addon (fake librknnrt: no NPU time) vs a JS no-op: the
 *    per-call overhead the addon adds to every sample of a local benchmark.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseRknnBenchmarkLog,
  RknnBenchmarkLogParser,
} from '../../electron/backends/rknn/benchmark-log';
import { inspectRknn } from '../../electron/backends/rknn/inspect';
import { LocalRknnModel } from '../../electron/backends/rknn/local';
import { loadRknnAddon } from '../../native';
import { buildRknnFile } from '../../scripts/make-rknn';
import { ensureRknnAddon, fakeRknnrtLibrary } from '../helpers/rknn-native';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, rounds = 5): number {
  const ts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

async function timeAsync(fn: () => Promise<unknown>, rounds = 5): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

function syntheticLog(iterations: number): string {
  const lines = [
    'rknn_api/rknnrt version: 2.3.0 (c949ad889d@2024-11-07T11:35:33), driver version: 0.9.8',
    'total weight size: 7312768, total internal size: 7782400',
    'total dma used size: 24440832',
    'model input num: 1, output num: 1',
    'input tensors:',
    '  index=0, name=images, n_dims=4, dims=[1, 640, 640, 3], n_elems=1228800, size=1228800, w_stride = 640, size_with_stride=1228800, fmt=NHWC, type=INT8, qnt_type=AFFINE, zp=-128, scale=0.003922',
    'Warmup ...',
  ];
  for (let i = 0; i < 5; i++)
    lines.push(`${String(i).padStart(4)}: Elapse Time = 20.00ms, FPS = 50.00`);
  lines.push('Begin perf ...');
  let total = 0;
  for (let i = 0; i < iterations; i++) {
    const ms = 13 + ((i * 7919) % 100) / 100;
    total += ms;
    lines.push(
      `${String(i).padStart(4)}: Elapse Time = ${ms.toFixed(2)}ms, FPS = ${(1000 / ms).toFixed(2)}`,
    );
  }
  lines.push(
    '',
    `Avg Time ${(total / iterations).toFixed(2)}ms, Avg FPS = ${((iterations * 1000) / total).toFixed(3)}`,
    '',
  );
  return lines.join('\n');
}

export default async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-bench-rknn-'));
  try {
    // 1. inspect
    const model = path.join(dir, 'big.rknn');
    fs.writeFileSync(model, buildRknnFile({ dataSize: 64 * 1024 * 1024 }));
    const readMs = await timeAsync(() => fs.promises.readFile(model));
    const inspectMs = await timeAsync(() => inspectRknn(model));
    console.log(
      `inspect 64 MB model: ${inspectMs.toFixed(1)} ms; read whole file: ${readMs.toFixed(1)} ms; ratio ${(inspectMs / readMs).toFixed(2)}x`,
    );

    // 2. log parsing
    const N = 100_000;
    const text = syntheticLog(N);
    const bytes = Buffer.from(text);
    const wholeMs = time(() => parseRknnBenchmarkLog(text));
    const streamMs = time(() => {
      const p = new RknnBenchmarkLogParser({ onEvent: () => {} });
      for (let i = 0; i < bytes.length; i += 4096) p.push(bytes.subarray(i, i + 4096));
      p.end();
    });
    const lines = N + 16;
    console.log(
      `parse ${N} iterations: whole ${wholeMs.toFixed(1)} ms (${Math.round(lines / wholeMs)}k lines/s), ` +
        `streamed 4 KB chunks ${streamMs.toFixed(1)} ms (${Math.round(lines / streamMs)}k lines/s); stream/whole ${(streamMs / wholeMs).toFixed(2)}x`,
    );

    // 3. addon call overhead
    ensureRknnAddon();
    loadRknnAddon({ reload: true });
    const m = LocalRknnModel.open(buildRknnFile(), { library: fakeRknnrtLibrary() });
    const inputs = [{ data: new Uint8Array(192) }, { data: new Float32Array(4) }];
    const K = 20_000;
    for (let i = 0; i < 1000; i++) m.run(inputs);
    const addonMs = time(() => {
      for (let i = 0; i < K; i++) m.run(inputs);
    });
    let sink = 0;
    const noopMs = time(() => {
      for (let i = 0; i < K; i++) sink += inputs.length;
    });
    m.dispose();
    console.log(
      `addon run (inputs_set + run + outputs_get + 2 output copies, fake runtime): ${((addonMs / K) * 1000).toFixed(2)} µs/call; ` +
        `JS loop alone ${((noopMs / K) * 1000).toFixed(3)} µs/iteration (${sink > 0 ? 'ok' : ''})`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
