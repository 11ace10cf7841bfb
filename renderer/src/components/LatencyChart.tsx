/**
 * The live latency chart. uPlot lives in a ref and is fed from the ring buffer outside React:
 * a new batch schedules one animation frame; the frame calls setData once with at most ~100k
 * points (min/max per pixel column beyond that). A user's zoom (drag to select) is kept while
 * data streams in; a double click returns to following the run.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { watchChartFrame } from './chart-frame';
import { liveSamples, type SampleRing } from '../live/samples';

/** Never more points than this in view (STYLE.md: bounded, ~100k). */
const MAX_RAW_POINTS = 100_000;
/**
 * Beyond this many samples per pixel column, draw min/max per column instead: a canvas cannot
 * show more, and stroking 100k segments costs tens of ms per frame in software rendering.
 */
const RAW_PER_COLUMN = 4;

declare global {
  interface Window {
    /** Set by the UI benchmark (test/bench/ui.ts): record chart draw times as measures. */
    __CORAL_PERF__?: boolean;
  }
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Options built once per chart (never per render): colours are read at draw time. */
function chartOptions(
  width: number,
  height: number,
  log: boolean,
  on: { zoom: () => void; drawn: () => void },
): uPlot.Options {
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: () => cssVar('--muted'),
    grid: { stroke: () => cssVar('--grid'), width: 1 },
    ticks: { stroke: () => cssVar('--grid'), width: 1 },
    labelSize: 18,
    font: '11px system-ui, sans-serif',
    labelFont: '11px system-ui, sans-serif',
  });
  return {
    width,
    height,
    pxAlign: false,
    legend: { show: false },
    scales: {
      x: { time: false },
      // Log scale: a few slow outliers no longer flatten the typical latency into the axis.
      y: log
        ? {
            distr: 3,
            log: 10,
            range: (_u, min, max) => [Math.max(1e-4, min * 0.8), Math.max(2e-4, max * 1.25)],
          }
        : { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
    },
    series: [
      {},
      {
        label: 'latency',
        stroke: () => cssVar('--chart-line'),
        // No fill on a log axis: filling down to its floor paints a solid block.
        ...(log ? {} : { fill: () => cssVar('--chart-fill') }),
        width: 1.25,
        points: { show: false },
      },
    ],
    axes: [axis('sample'), { ...axis('latency (ms)'), size: 56 }],
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width > 2) on.zoom();
        },
      ],
      draw: [() => on.drawn()],
    },
  };
}

export function LatencyChart({
  ring = liveSamples,
  height = 300,
  log = false,
}: {
  ring?: SampleRing;
  height?: number;
  /** Logarithmic latency axis (the chart is rebuilt when this changes). */
  log?: boolean;
}) {
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!container.current) return;
    const el: HTMLDivElement = container.current;
    let zoomed = false;
    let frame = 0;
    let drawn = -1;
    let drawStart = 0;
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    const u = new uPlot(
      chartOptions(Math.max(200, el.clientWidth), height, log, {
        zoom: () => {
          zoomed = true;
          el.dataset.zoomed = 'true';
        },
        // uPlot paints after setData returns (a microtask): measure up to its draw hook.
        drawn: () => {
          if (drawStart && window.__CORAL_PERF__)
            performance.measure('coral:chart-draw', { start: drawStart });
          drawStart = 0;
        },
      }),
      [new Float64Array(0), new Float64Array(0)] as unknown as uPlot.AlignedData,
      el,
    );
    function draw() {
      frame = 0;
      if (drawn === ring.version) return;
      drawn = ring.version;
      drawStart = performance.now();
      const x = u.scales.x;
      const columns = u.bbox.width / devicePixelRatio;
      const maxRaw = Math.min(MAX_RAW_POINTS, RAW_PER_COLUMN * columns);
      const [xs, ys] =
        zoomed && x.min != null && x.max != null
          ? ring.view(columns, maxRaw, x.min, x.max)
          : ring.view(columns, maxRaw);
      // uPlot takes typed arrays; its d.ts only says number[].
      u.setData([xs, ys] as unknown as uPlot.AlignedData, !zoomed);
      el.dataset.points = String(xs.length);
      el.dataset.total = String(ring.appended);
    }
    const onDblClick = () => {
      zoomed = false;
      delete el.dataset.zoomed;
      drawn = -1;
      schedule();
    };
    u.over.addEventListener('dblclick', onDblClick);
    const off = ring.subscribe(schedule);
    const unwatchFrame = watchChartFrame(u, el, { minWidth: 200, height }, () => {
      drawn = -1;
      schedule();
    });
    schedule();
    return () => {
      cancelAnimationFrame(frame);
      off();
      unwatchFrame();
      u.over.removeEventListener('dblclick', onDblClick);
      u.destroy();
    };
  }, [ring, height, log]);

  return <div ref={container} className="chart" data-testid="latency-chart" data-points="0" />;
}
