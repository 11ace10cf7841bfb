/**
 * `npm run bench -- diagnostics`: what a big report costs, and what redaction adds.
 *
 * A real runtime (init with the built-ins) whose log holds 5000 entries with details, plus 50
 * runs of 100k latency samples each. For each size: building with redaction on vs off
 * (interleaved, median of rounds, ratio on/off), --anonymize on top, rendering the HTML, and
 * the sizes of report.json, report.html and the zip. Prints, never fails.
 */
import { buildReport, type ReportOptions } from '../../electron/diagnostics/build';
import type { ReportSources, RunInput } from '../../electron/diagnostics/providers';
import { runtimeProvider } from '../../electron/diagnostics/sources';
import { encodeReport } from '../../electron/diagnostics/write';
import { renderHtml } from '../../electron/diagnostics/html';
import { latencies, realRuntime } from '../helpers/diagnostics';
import { tempDir } from '../helpers/plugins';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

export default async function run(): Promise<void> {
  const ctx = await realRuntime({
    CORAL_DATA_DIR: tempDir(),
    CORAL_API_TOKEN: 'bench-token-value',
  });
  for (let i = 0; i < 5000; i++) {
    ctx.logger.info('bench', `request ${i} from 10.0.${i % 250}.7 took ${i % 97} ms`, {
      url: `http://127.0.0.1:5173/api?token=abc${i}def`,
      attempt: i,
      board: { name: `rk-${i % 8}`, password: `pw-${i}-x` },
    });
  }
  const runs: RunInput[] = Array.from({ length: 50 }, (_, i) => ({
    id: `run-${i}`,
    backend: 'onnx',
    model: `/models/m${i}.onnx`,
    status: 'finished',
    stats: { p50Ms: 5, p99Ms: 9 },
    latencyMs: latencies(100_000, 5 + (i % 5), i + 1),
    options: { iterations: 100_000 },
  }));
  const sources: ReportSources = {
    runtime: runtimeProvider(() => ctx),
    runs: { runs: (limit) => ({ runs: runs.slice(0, limit) }) },
  };

  const cases: Array<[string, ReportOptions]> = [
    ['default (10 runs, 200 log)', {}],
    ['big (50 runs of 100k, 5000 log)', { runs: 50, log: 5000 }],
  ];
  for (const [label, options] of cases) {
    const on: number[] = [];
    const off: number[] = [];
    const anon: number[] = [];
    for (let round = 0; round < 5; round++) {
      // Alternate the order so drift hits both sides alike.
      if (round % 2) {
        off.push(await time(() => buildReport(sources, { ...options, redact: false })));
        on.push(await time(() => buildReport(sources, options)));
      } else {
        on.push(await time(() => buildReport(sources, options)));
        off.push(await time(() => buildReport(sources, { ...options, redact: false })));
      }
      anon.push(await time(() => buildReport(sources, { ...options, anonymize: true })));
    }
    const { json, redactionSummary } = await buildReport(sources, options);
    const htmlMs = median(await Promise.all([0, 1, 2].map(() => time(() => renderHtml(json)))));
    const zipMs = await time(() => encodeReport(json, 'zip'));
    const sizes = (['json', 'html', 'zip'] as const).map(
      (f) => `${f} ${(encodeReport(json, f).bytes.byteLength / 1024).toFixed(0)} KiB`,
    );
    console.log(`\n${label}`);
    console.log(`  build, redaction on:  ${median(on).toFixed(0)} ms (median of 5)`);
    console.log(
      `  build, redaction off: ${median(off).toFixed(0)} ms   ratio on/off ${(median(on) / median(off)).toFixed(2)}`,
    );
    console.log(
      `  build, anonymized:    ${median(anon).toFixed(0)} ms   ratio anonymized/on ${(median(anon) / median(on)).toFixed(2)}`,
    );
    console.log(`  renderHtml: ${htmlMs.toFixed(0)} ms   zip (json+html): ${zipMs.toFixed(0)} ms`);
    console.log(`  sizes: ${sizes.join(', ')}   replaced: ${redactionSummary.total}`);
  }
}
