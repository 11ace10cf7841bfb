import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../electron/diagnostics/build';
import { renderHtml } from '../../../electron/diagnostics/html';
import { latencyHistogram, latencyTimeline, niceTicks } from '../../../electron/diagnostics/svg';
import type { RunInput } from '../../../electron/diagnostics/providers';

const run = (over: Partial<RunInput> = {}): RunInput => ({
  id: 'r1',
  backend: 'onnx',
  model: 'm.onnx',
  status: 'finished',
  stats: { p50Ms: 5, p99Ms: 9 },
  latencyMs: [5, 6, 5, 9, 5],
  ...over,
});

describe('renderHtml', () => {
  it('is one self-contained page: no script, no external resource, a CSP that forbids both', async () => {
    const { json } = await buildReport({ runs: { runs: () => ({ runs: [run()] }) } });
    const html = renderHtml(json);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain(
      `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`,
    );
    expect(html).toContain('<svg class="plot"');
  });

  it('escapes everything that comes from data, so a hostile model name cannot inject markup', async () => {
    const evil = '<img src=x onerror=alert(1)>"&\'';
    const { json } = await buildReport({
      runs: { runs: () => ({ runs: [run({ model: evil, id: evil })] }) },
    });
    const html = renderHtml(json);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;&#34;&#38;&#39;');
  });

  it('says why a section is empty: failed (with code and hint), unavailable, or left out', async () => {
    const { json } = await buildReport(
      {
        boards: {
          boards() {
            throw Object.assign(new Error('boards.json is damaged'), {});
          },
        },
      },
      { sections: { log: false } },
    );
    const html = renderHtml(json);
    expect(html).toMatch(/This section could not be gathered: boards\.json is damaged/);
    expect(html).toContain('DIAG_SECTION_FAILED');
    expect(html).toContain('No runtime was started for this report.');
    expect(html).toContain('Left out of this report when it was exported.');
  });

  it('warns in red when secrets were not redacted', async () => {
    const { json } = await buildReport({}, { redact: false });
    expect(renderHtml(json)).toContain(
      'Secrets were NOT redacted in this report. Do not share it.',
    );
  });
});

describe('plots', () => {
  it('draws one point per sample and markers for p50 and p99', () => {
    const svg = latencyTimeline([1, 2, 3, 4], 4, [
      { label: 'p50', value: 2, color: '#0a0' },
      { label: 'p99', value: 4, color: '#a00' },
    ]);
    const points = /<polyline class="line" points="([^"]+)"/.exec(svg)![1].split(' ');
    expect(points).toHaveLength(4);
    expect(svg).toContain('p50 2.00 ms');
    expect(svg).toContain('p99 4.00 ms');
  });

  it('draws an overflow bar and says how many samples lie beyond the bins', () => {
    const svg = latencyHistogram({
      minMs: 1,
      maxMs: 2,
      counts: [3, 4],
      overflow: 2,
      overflowMaxMs: 40,
    });
    expect(svg).toContain('class="bar overflow"');
    expect(svg).toContain('2 beyond 2.00 ms, up to 40.0 ms');
  });

  it('shows a readable note instead of an empty frame when there are no samples', () => {
    expect(latencyTimeline([], 0)).toContain('no latency samples stored for this run');
    expect(latencyHistogram(null)).toContain('no latency distribution');
  });

  it('picks round axis ticks that cover the maximum', () => {
    expect(niceTicks(47)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(0.7, 4)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });
});
