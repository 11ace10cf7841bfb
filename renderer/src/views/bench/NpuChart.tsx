/**
 * NPU load per core during a board run, under the latency chart: x = seconds since the run
 * started, y = load %, one line per core. Fed from live/gauges.ts outside React; setData at
 * most once per animation frame, only when a reading arrived. The chart is rebuilt only when
 * the number of cores changes.
 */
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { watchChartFrame } from '../../components/chart-frame';
import { liveGauges, type RunGauges } from '../../live/gauges';

const CORE_VARS = ['--npu-core0', '--npu-core1', '--npu-core2', '--npu-core3'];

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function options(width: number, height: number, cores: number): uPlot.Options {
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
      // from the start of the run, so a late first reading does not stretch the axis
      x: { time: false, range: (_u, _min, max) => [0, Math.max(1, max)] },
      y: { range: [0, 100] },
    },
    series: [
      {},
      ...Array.from({ length: cores }, (_, i) => ({
        label: `core ${i}`,
        stroke: () => cssVar(CORE_VARS[i % CORE_VARS.length]),
        width: 1.5,
        spanGaps: false,
        points: { show: true, size: 4 },
      })),
    ],
    axes: [
      axis('seconds'),
      { ...axis('NPU load (%)'), size: 56, values: (_u, v) => v.map((x) => `${x}`) },
    ],
    cursor: { drag: { x: false, y: false }, points: { show: false } },
  };
}

export function NpuChart({
  gauges = liveGauges,
  height = 150,
}: {
  gauges?: RunGauges;
  height?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const [cores, setCores] = useState(gauges.cores.length);
  const [latest, setLatest] = useState<number[] | null>(gauges.latest());

  // Core count and the legend's latest values: React state, updated at most ~2 times a second.
  useEffect(
    () =>
      gauges.subscribe(() => {
        setCores(gauges.cores.length);
        setLatest(gauges.latest());
      }),
    [gauges],
  );

  useEffect(() => {
    const el = container.current;
    if (!el || cores === 0) return;
    let frame = 0;
    let drawn = -1;
    const u = new uPlot(
      options(Math.max(200, el.clientWidth), height, cores),
      [[], ...Array.from({ length: cores }, () => [])] as unknown as uPlot.AlignedData,
      el,
    );
    const draw = () => {
      frame = 0;
      if (drawn === gauges.version) return;
      drawn = gauges.version;
      u.setData([gauges.t, ...gauges.cores.slice(0, cores)] as unknown as uPlot.AlignedData);
      el.dataset.readings = String(gauges.t.length);
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    const off = gauges.subscribe(schedule);
    const unwatchFrame = watchChartFrame(u, el, { minWidth: 200, height }, () => {
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
  }, [gauges, cores, height]);

  return (
    <div className="npu-chart" data-testid="npu-chart">
      <div className="npu-legend small">
        <span className="label">NPU load per core</span>
        {latest ? (
          latest.map((v, i) => (
            <span key={i} className="npu-key" data-testid={`npu-core-${i}`}>
              <span
                className="npu-swatch"
                style={{ background: `var(${CORE_VARS[i % CORE_VARS.length]})` }}
              />
              core {i}{' '}
              <span className="mono">{Number.isFinite(v) ? `${Math.round(v)}%` : '—'}</span>
            </span>
          ))
        ) : (
          <span className="muted">waiting for the first reading…</span>
        )}
      </div>
      <div ref={container} className="npu-plot" style={{ minHeight: cores ? height : 0 }} />
    </div>
  );
}
