/**
 * Inline SVG plots for report.html: plain markup, no script, readable in print.
 */

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values covering [0, max]: 1, 2 or 5 times a power of ten. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / count;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.5; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max)
    ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** An axis tick: as few digits as the step needs (5, 2.5, 0.25), no trailing zeros. */
export function formatTick(v: number): string {
  return String(Number(v.toPrecision(4)));
}

export function formatMs(v: number): string {
  if (v === 0) return '0';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

const W = 560;
const H = 190;
const M = { l: 52, r: 14, t: 14, b: 34 };

interface Marker {
  label: string;
  value: number;
  color: string;
}

/** Latency per iteration as a line, with optional horizontal markers (p50, p99). */
export function latencyTimeline(
  samples: number[],
  totalCount: number,
  markers: Marker[] = [],
): string {
  if (samples.length === 0) return emptyPlot('no latency samples stored for this run');
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const top = Math.max(...samples, ...markers.map((m) => m.value));
  const yt = niceTicks(top);
  const yMax = yt[yt.length - 1];
  const x = (i: number) => M.l + (samples.length === 1 ? pw / 2 : (i / (samples.length - 1)) * pw);
  const y = (v: number) => M.t + ph - (v / yMax) * ph;
  const pts = samples.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `${M.l},${M.t + ph} ${pts} ${x(samples.length - 1).toFixed(1)},${M.t + ph}`;
  const xt = niceTicks(totalCount, 5).filter((v) => v <= totalCount);
  const parts: string[] = [];
  parts.push(frame('Latency per iteration'));
  for (const v of yt) {
    parts.push(
      `<line class="grid" x1="${M.l}" x2="${W - M.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="tick" x="${M.l - 6}" y="${(y(v) + 3.5).toFixed(1)}" text-anchor="end">${formatTick(v)}</text>`,
    );
  }
  for (const v of xt) {
    const px = M.l + (totalCount <= 1 ? 0 : (v / totalCount) * pw);
    parts.push(
      `<text class="tick" x="${px.toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle">${v}</text>`,
    );
  }
  parts.push(
    `<polygon class="area" points="${area}"/>`,
    `<polyline class="line" points="${pts}"/>`,
    `<line class="axis" x1="${M.l}" x2="${W - M.r}" y1="${M.t + ph}" y2="${M.t + ph}"/>`,
  );
  markers.forEach((m, i) => {
    const my = y(m.value).toFixed(1);
    parts.push(
      `<line x1="${M.l}" x2="${W - M.r}" y1="${my}" y2="${my}" stroke="${m.color}" stroke-width="1.2" stroke-dasharray="5 3"/>`,
      `<text class="marker" x="${W - M.r - 4 - i * 92}" y="${(Number(my) - 4).toFixed(1)}" text-anchor="end" fill="${m.color}">${escapeXml(m.label)} ${formatMs(m.value)} ms</text>`,
    );
  });
  parts.push(
    `<text class="label" x="${M.l + pw / 2}" y="${H - 4}" text-anchor="middle">iteration</text>`,
    `<text class="label" transform="translate(12 ${M.t + ph / 2}) rotate(-90)" text-anchor="middle">ms</text>`,
  );
  return svg(parts, `Latency per iteration, ${totalCount} samples`);
}

/** The distribution of all samples as bars; a long tail of spikes as one overflow bar. */
export function latencyHistogram(
  h: {
    minMs: number;
    maxMs: number;
    counts: number[];
    overflow: number;
    overflowMaxMs: number | null;
  } | null,
): string {
  if (!h || h.counts.length === 0) return emptyPlot('no latency distribution');
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const slots = h.counts.length + (h.overflow ? 2 : 0);
  const top = Math.max(...h.counts, h.overflow);
  const yt = niceTicks(top, 4).map(Math.round);
  const yMax = yt[yt.length - 1] || 1;
  const bw = pw / slots;
  const parts: string[] = [frame('Latency distribution')];
  for (const v of yt) {
    const py = M.t + ph - (v / yMax) * ph;
    parts.push(
      `<line class="grid" x1="${M.l}" x2="${W - M.r}" y1="${py.toFixed(1)}" y2="${py.toFixed(1)}"/>`,
      `<text class="tick" x="${M.l - 6}" y="${(py + 3.5).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  const bar = (i: number, c: number, cls: string) => {
    if (c === 0) return;
    const bh = Math.max(1, (c / yMax) * ph);
    parts.push(
      `<rect class="${cls}" x="${(M.l + i * bw + 0.5).toFixed(1)}" y="${(M.t + ph - bh).toFixed(1)}" width="${Math.max(0.5, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}"/>`,
    );
  };
  h.counts.forEach((c, i) => bar(i, c, 'bar'));
  const binsRight = M.l + h.counts.length * bw;
  const mid = (h.minMs + h.maxMs) / 2;
  parts.push(
    `<line class="axis" x1="${M.l}" x2="${W - M.r}" y1="${M.t + ph}" y2="${M.t + ph}"/>`,
    `<text class="tick" x="${M.l}" y="${H - M.b + 14}" text-anchor="start">${formatMs(h.minMs)}</text>`,
    `<text class="tick" x="${((M.l + binsRight) / 2).toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle">${formatMs(mid)}</text>`,
    `<text class="tick" x="${binsRight.toFixed(1)}" y="${H - M.b + 14}" text-anchor="end">${formatMs(h.maxMs)}</text>`,
  );
  if (h.overflow) {
    bar(slots - 1, h.overflow, 'bar overflow');
    const cx = M.l + (slots - 0.5) * bw;
    const upTo = formatMs(h.overflowMaxMs ?? h.maxMs);
    parts.push(
      `<text class="tick" x="${cx.toFixed(1)}" y="${H - M.b + 14}" text-anchor="middle">more</text>`,
      `<text class="marker" x="${(W - M.r).toFixed(1)}" y="${(M.t + 10).toFixed(1)}" text-anchor="end" fill="#8a5a00">${h.overflow} beyond ${formatMs(h.maxMs)} ms, up to ${upTo} ms</text>`,
    );
  }
  parts.push(
    `<text class="label" x="${M.l + pw / 2}" y="${H - 4}" text-anchor="middle">latency (ms)</text>`,
    `<text class="label" transform="translate(12 ${M.t + ph / 2}) rotate(-90)" text-anchor="middle">samples</text>`,
  );
  return svg(parts, 'Latency distribution');
}

function frame(title: string): string {
  return `<title>${escapeXml(title)}</title>`;
}

function svg(parts: string[], label: string): string {
  return `<svg class="plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(label)}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function emptyPlot(text: string): string {
  return svg(
    [
      `<text class="label" x="${W / 2}" y="${H / 2}" text-anchor="middle">${escapeXml(text)}</text>`,
    ],
    text,
  );
}
