/**
 * Live telemetry of one board: NPU load per core (absurd driver readings marked), CPU load,
 * temperatures and memory, one small uPlot chart each. The readings live in live/telemetry.ts;
 * each chart keeps its uPlot in a ref and calls setData at most once per animation frame, only
 * when a reading arrived. A chart is rebuilt only when its number of lines changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { watchChartFrame } from '../../components/chart-frame';
import { Badge } from '../../components/Badge';
import { liveTelemetry, type BoardSeries } from '../../live/telemetry';

const LINE_VARS = ['--tele-1', '--tele-2', '--tele-3', '--tele-4', '--tele-5', '--tele-6'];
/** Seconds in view: the last five minutes. */
const WINDOW_S = 300;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export type ChartKind = 'npu' | 'cpu' | 'temp' | 'mem';

interface KindSpec {
  title: string;
  unit: string;
  /** Fixed y range, or null to fit (temperatures). */
  range: [number, number] | null;
  lines: (s: BoardSeries) => string[];
  data: (s: BoardSeries) => number[][];
  /** For the NPU: marker series (points only) after the lines. */
  markers?: (s: BoardSeries) => number[][];
}

const SPECS: Record<ChartKind, KindSpec> = {
  npu: {
    title: 'NPU load',
    unit: '%',
    range: [0, 100],
    lines: (s) => s.npu.map((_, i) => `core ${i}`),
    data: (s) => s.npu,
    markers: (s) => s.npuAbsurd,
  },
  cpu: {
    title: 'CPU load',
    unit: '%',
    range: [0, 100],
    lines: () => ['all cores'],
    data: (s) => [s.cpu],
  },
  temp: {
    title: 'Temperatures',
    unit: '°C',
    range: null,
    lines: (s) => s.zones,
    data: (s) => s.temps,
  },
  mem: {
    title: 'Memory used',
    unit: '%',
    range: [0, 100],
    lines: () => ['used'],
    data: (s) => [s.memory],
  },
};

function options(kind: ChartKind, lines: string[], markers: number, width: number): uPlot.Options {
  const spec = SPECS[kind];
  const axis: uPlot.Axis = {
    stroke: () => cssVar('--muted'),
    grid: { stroke: () => cssVar('--grid'), width: 1 },
    ticks: { stroke: () => cssVar('--grid'), width: 1 },
    font: '10.5px system-ui, sans-serif',
  };
  return {
    width,
    height: 132,
    pxAlign: false,
    legend: { show: false },
    padding: [8, 8, 0, 0],
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => [Math.max(min, max - WINDOW_S), Math.max(max, min + 10)],
      },
      y: spec.range
        ? { range: spec.range }
        : {
            range: (_u, min, max) => [
              Math.floor((Number.isFinite(min) ? min : 30) - 3),
              Math.ceil((Number.isFinite(max) ? max : 60) + 3),
            ],
          },
    },
    series: [
      {},
      ...lines.map((label, i) => ({
        label,
        stroke: () => cssVar(LINE_VARS[i % LINE_VARS.length]),
        width: 1.5,
        spanGaps: false,
        points: { show: false },
      })),
      ...Array.from({ length: markers }, (_, i) => ({
        label: `core ${i} absurd`,
        stroke: () => cssVar('--bad'),
        paths: () => null,
        points: { show: true, size: 7, width: 1.5, fill: () => cssVar('--bad-soft') },
      })),
    ],
    axes: [
      {
        ...axis,
        size: 26,
        values: (_u, v) =>
          v.map((t) =>
            new Date(t * 1000).toLocaleTimeString([], { minute: '2-digit', second: '2-digit' }),
          ),
      },
      {
        ...axis,
        size: 46,
        values: (_u, v) => v.map((x) => `${x}${spec.unit === '%' ? '%' : '°'}`),
      },
    ],
    cursor: { drag: { x: false, y: false }, points: { show: false } },
  };
}

/** One chart of one board; `data-points` tells tests how many readings it drew. */
export function TelemetryChart({ boardId, kind }: { boardId: string; kind: ChartKind }) {
  const spec = SPECS[kind];
  const container = useRef<HTMLDivElement>(null);
  const [shape, setShape] = useState(() => {
    const s = liveTelemetry.series(boardId);
    return s ? `${spec.lines(s).join('|')}#${spec.markers?.(s).length ?? 0}` : '';
  });

  // Rebuild only when the lines change (a core or zone appears): React state, rarely updated.
  useEffect(() => {
    const update = () => {
      const s = liveTelemetry.series(boardId);
      setShape(s ? `${spec.lines(s).join('|')}#${spec.markers?.(s).length ?? 0}` : '');
    };
    update();
    return liveTelemetry.subscribe(update);
  }, [boardId, spec]);

  useEffect(() => {
    const el = container.current;
    if (!el || !shape) return;
    const [names, m] = shape.split('#');
    const lines = names ? names.split('|') : [];
    const markers = Number(m) || 0;
    if (lines.length === 0) return;
    let frame = 0;
    let drawn = -1;
    const u = new uPlot(
      options(kind, lines, markers, Math.max(160, el.clientWidth)),
      [
        [],
        ...Array.from({ length: lines.length + markers }, () => []),
      ] as unknown as uPlot.AlignedData,
      el,
    );
    const draw = () => {
      frame = 0;
      const s = liveTelemetry.series(boardId);
      if (!s || drawn === s.version) return;
      drawn = s.version;
      const data = [
        s.t,
        ...spec.data(s).slice(0, lines.length),
        ...(spec.markers?.(s) ?? []).slice(0, markers),
      ];
      u.setData(data as unknown as uPlot.AlignedData);
      el.dataset.points = String(s.t.length);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    const off = liveTelemetry.subscribe(schedule);
    const unwatchFrame = watchChartFrame(u, el, { minWidth: 160, height: 132 }, () => {
      drawn = -1;
      schedule();
    });
    schedule();
    return () => {
      cancelAnimationFrame(frame);
      off();
      unwatchFrame();
      u.destroy();
    };
  }, [boardId, kind, shape, spec]);

  const lines = shape ? shape.split('#')[0].split('|').filter(Boolean) : [];
  return (
    <div className="tele-chart" data-testid={`telemetry-${kind}`}>
      <div className="tele-head">
        <span className="tele-title">{spec.title}</span>
      </div>
      <div ref={container} className="tele-plot" />
      <div className="tele-keys">
        {lines.length > 1 &&
          lines.map((l, i) => (
            <span key={l} className="tele-key" title={l}>
              <span
                className="tele-swatch"
                style={{ background: `var(${LINE_VARS[i % LINE_VARS.length]})` }}
              />
              {l.replace(/[-_ ]?thermal$/i, '')}
            </span>
          ))}
      </div>
    </div>
  );
}

/** The flag for absurd NPU readings: how many, and the last raw value the driver printed. */
export function AbsurdFlag({ boardId }: { boardId: string }) {
  const [flag, setFlag] = useState<{ count: number; last: BoardSeries['lastAbsurd'] }>({
    count: 0,
    last: null,
  });
  useEffect(() => {
    const update = () => {
      const s = liveTelemetry.series(boardId);
      const count = s?.absurdCount ?? 0;
      setFlag((f) => (f.count === count ? f : { count, last: s?.lastAbsurd ?? null }));
    };
    update();
    return liveTelemetry.subscribe(update);
  }, [boardId]);
  if (!flag.count || !flag.last) return null;
  return (
    <span data-testid="npu-absurd">
      <Badge
        tone="bad"
        title="The NPU driver printed a load outside 0–100 % (a known driver quirk). It is drawn at 100 % and marked; it is not a real load."
      >
        {flag.count} absurd NPU reading{flag.count === 1 ? '' : 's'} · last: core {flag.last.core}{' '}
        said {flag.last.value}%
      </Badge>
    </span>
  );
}
