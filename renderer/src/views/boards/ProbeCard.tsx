/**
 * What the probe found on a board, in one card: SoC and board model first (they decide which
 * models run), then NPU, RKNN runtime and rknn_server, the system, and the probe's warnings.
 */
import type { ReactNode } from 'react';
import type { ProbeReport } from '../../../../electron/ipc/contract';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { Loading } from '../../components/States';

function Fact({
  label,
  children,
  note,
  tone,
  testId,
  wide,
}: {
  label: string;
  children: ReactNode;
  note?: ReactNode;
  tone?: 'warn' | 'muted';
  testId?: string;
  wide?: boolean;
}) {
  return (
    <div
      className={`fact ${tone ? `fact-${tone}` : ''} ${wide ? 'fact-wide' : ''}`}
      data-testid={testId}
    >
      <div className="fact-label">{label}</div>
      <div className="fact-value">{children}</div>
      {note && (
        <div className="fact-note" title={typeof note === 'string' ? note : undefined}>
          {note}
        </div>
      )}
    </div>
  );
}

const gb = (mb: number) => (mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`);

function npuFact(r: ProbeReport) {
  if (r.npu === 'none')
    return (
      <Fact label="NPU" tone="muted" testId="probe-npu" note="Not a Rockchip NPU board">
        none
      </Fact>
    );
  const driver = r.npu.driverVersion;
  return (
    <Fact
      label="NPU"
      testId="probe-npu"
      tone={driver === 'needs root' || driver === null ? 'warn' : undefined}
      note={
        driver === 'needs root'
          ? 'Driver version needs root (debugfs)'
          : driver
            ? `driver ${driver}${r.npu.loadAvailable ? '' : ' · no load file'}`
            : 'driver version unknown'
      }
    >
      {r.npu.cores} {r.npu.cores === 1 ? 'core' : 'cores'}
    </Fact>
  );
}

export function ProbeCard({
  report,
  probing,
  onProbe,
  stale,
}: {
  report: ProbeReport | undefined;
  probing: boolean;
  /** The board is not connected now: these are the facts of its last connection. */
  stale?: boolean;
  onProbe?: () => void;
}) {
  if (!report) {
    return (
      <Panel title="Probe" testId="probe-card">
        {probing ? (
          <Loading label="Probing the board (one round trip)…" />
        ) : (
          <p className="muted">
            Connect the board to see its SoC, NPU, RKNN runtime, system and temperatures.
          </p>
        )}
      </Panel>
    );
  }
  const r = report;
  const server = r.runtime.rknnServer;
  const hottest = [...r.temperatures].sort((a, b) => b.celsius - a.celsius)[0];
  return (
    <Panel
      testId="probe-card"
      title={
        <>
          Probe
          {r.virtual && <Badge tone="accent">virtual</Badge>}
          {stale && (
            <Badge tone="neutral" title="The board is not connected now">
              from the last connection
            </Badge>
          )}
          {r.warnings.length > 0 && (
            <Badge tone="warn">
              {r.warnings.length} warning{r.warnings.length === 1 ? '' : 's'}
            </Badge>
          )}
        </>
      }
      actions={
        <>
          <span className="muted small">
            {Math.round(r.durationMs)} ms · {r.roundTrips} round trip{r.roundTrips === 1 ? '' : 's'}
          </span>
          {onProbe && (
            <button className="btn" onClick={onProbe} disabled={probing} data-testid="probe-again">
              {probing ? 'Probing…' : 'Probe again'}
            </button>
          )}
        </>
      }
    >
      <div className="facts">
        <Fact
          label="SoC"
          testId="probe-soc"
          tone={r.soc ? undefined : 'muted'}
          note={r.compatible.length ? r.compatible.join(', ') : 'no device tree'}
        >
          <span className="fact-big">{r.soc ?? 'unknown'}</span>
        </Fact>
        <Fact label="Board" testId="probe-board" note={r.hostname ?? undefined} wide>
          {r.boardModel ?? <span className="muted">not named</span>}
        </Fact>
        {npuFact(r)}
        <Fact
          label="librknnrt"
          testId="probe-librknnrt"
          tone={r.runtime.librknnrt ? undefined : r.npu === 'none' ? 'muted' : 'warn'}
          note={r.runtime.librknnrtPath ?? undefined}
        >
          {r.runtime.librknnrt?.split(' ')[0] ?? 'not installed'}
        </Fact>
        <Fact
          label="rknn_server"
          testId="probe-rknn-server"
          tone={server.installed ? undefined : 'muted'}
          note={
            server.installed
              ? `${server.running ? 'running' : 'not running'}${server.path ? ` · ${server.path}` : ''}`
              : undefined
          }
        >
          {server.installed ? (server.version?.split(' ')[0] ?? 'installed') : 'not installed'}
        </Fact>
        <Fact
          label="OS"
          testId="probe-os"
          note={r.user.root ? 'probed as root' : `probed as uid ${r.user.uid ?? '?'}`}
        >
          {r.os.name ?? r.os.id ?? 'unknown'}
        </Fact>
        <Fact label="Kernel" testId="probe-kernel" note={r.kernel.arch ?? undefined}>
          <span className="mono">{r.kernel.release ?? 'unknown'}</span>
        </Fact>
        <Fact label="CPU" testId="probe-cpu" note={r.cpu.model ?? undefined}>
          {r.cpu.count} {r.cpu.count === 1 ? 'core' : 'cores'}
        </Fact>
        <Fact
          label="Memory"
          testId="probe-memory"
          note={r.memory ? `${gb(r.memory.availableMb)} available` : undefined}
        >
          {r.memory ? gb(r.memory.totalMb) : 'unknown'}
        </Fact>
        <Fact
          label="Disk"
          testId="probe-disk"
          tone={r.disk && r.disk.freeMb < 512 ? 'warn' : undefined}
          note={r.disk ? `free in ${r.disk.path} (${r.disk.mount})` : undefined}
        >
          {r.disk ? `${gb(r.disk.freeMb)} of ${gb(r.disk.totalMb)}` : 'unknown'}
        </Fact>
        <Fact
          label="Temperature"
          testId="probe-temperature"
          tone={hottest && hottest.celsius >= 85 ? 'warn' : undefined}
          note={
            r.temperatures.length > 1
              ? r.temperatures.map((t) => `${t.type} ${t.celsius.toFixed(0)}°`).join(' · ')
              : hottest?.type
          }
        >
          {hottest ? `${hottest.celsius.toFixed(1)} °C` : 'no sensors'}
        </Fact>
      </div>
      {r.warnings.length > 0 && (
        <ul className="probe-warnings" data-testid="probe-warnings">
          {r.warnings.map((w, i) => (
            <li key={i} className="diag diag-warn">
              <span className="diag-icon" aria-hidden>
                !
              </span>
              <span>{w}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
