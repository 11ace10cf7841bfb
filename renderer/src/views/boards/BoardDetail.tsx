/**
 * The selected board: its connection (state, connect / disconnect, remove), what went wrong
 * (a changed host key shows both fingerprints), its probe card and its live telemetry.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { BoardInfo } from '../../../../electron/ipc/contract';
import { Badge, type Tone } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { EmptyState, ErrorNotice, Notice } from '../../components/States';
import { runningVirtual, useBoardsStore, type BoardError } from '../../store/boards';
import { ProbeCard } from './ProbeCard';
import { AbsurdFlag, TelemetryChart } from './TelemetryCharts';

export const STATE_TEXT: Record<BoardInfo['state'], { label: string; tone: Tone }> = {
  idle: { label: 'not connected', tone: 'neutral' },
  connecting: { label: 'connecting', tone: 'info' },
  connected: { label: 'connected', tone: 'good' },
  reconnecting: { label: 'reconnecting', tone: 'warn' },
  disconnected: { label: 'connection lost', tone: 'bad' },
  closed: { label: 'not connected', tone: 'neutral' },
};

interface KeyEntry {
  fingerprint?: string;
  file?: string;
  line?: number;
}

/** A refused, changed host key: the known and the presented fingerprint side by side. */
function HostKeyChanged({ error, onDismiss }: { error: BoardError; onDismiss: () => void }) {
  const d = (error.detail ?? {}) as {
    actual?: string;
    expected?: KeyEntry[];
    host?: string;
    port?: number;
  };
  return (
    <div className="notice notice-bad host-key-changed" role="alert" data-testid="host-key-changed">
      <div className="notice-text">
        <strong>The host key of this board has changed: Coral Studio refused to connect.</strong>
        <dl className="key-compare">
          {(d.expected ?? []).map((k, i) => (
            <div key={i}>
              <dt>Known key</dt>
              <dd>
                <span className="mono" data-testid="key-expected">
                  {k.fingerprint}
                </span>
                {k.file && (
                  <span className="muted small">
                    {' '}
                    from {k.file}
                    {k.line ? `:${k.line}` : ''}
                  </span>
                )}
              </dd>
            </div>
          ))}
          <div>
            <dt>Presented now</dt>
            <dd>
              <span className="mono" data-testid="key-actual">
                {d.actual}
              </span>
            </dd>
          </div>
        </dl>
        {error.hint && <span className="notice-hint small">{error.hint}</span>}
        <code className="notice-code">{error.code}</code>
      </div>
      <button className="btn" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

function RemoveButton({ onRemove, busy }: { onRemove: () => void; busy: boolean }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const t = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(t);
  }, [armed]);
  return armed ? (
    <button
      className="btn btn-danger"
      onClick={onRemove}
      disabled={busy}
      data-testid="board-remove-confirm"
    >
      Remove for good?
    </button>
  ) : (
    <button
      className="btn btn-danger"
      onClick={() => setArmed(true)}
      disabled={busy}
      data-testid="board-remove"
    >
      Remove
    </button>
  );
}

function TelemetryPanel({ board }: { board: BoardInfo }) {
  const latest = useBoardsStore((s) => s.latest[board.id]);
  const error = useBoardsStore((s) => s.telemetryErrors[board.id]);
  const connected = board.state === 'connected' || board.state === 'reconnecting';
  const hottest = latest?.temperatures.reduce<number | null>(
    (m, t) => (m === null || t.celsius > m ? t.celsius : m),
    null,
  );
  const npuAvg =
    latest?.npu && latest.npu.length
      ? latest.npu.reduce((a, l) => a + l.percent, 0) / latest.npu.length
      : null;
  return (
    <Panel
      testId="telemetry"
      className="telemetry"
      title={
        <>
          Live telemetry
          {connected && latest && <span className="live-dot" title="one reading a second" />}
          <AbsurdFlag boardId={board.id} />
        </>
      }
      actions={
        latest ? (
          <span className="muted small" data-testid="telemetry-latency">
            1 reading/s · {Math.round(latest.latencyMs)} ms round trip
          </span>
        ) : null
      }
    >
      {!connected && !latest ? (
        <EmptyState title="Not watching">
          <p>
            Connect the board to watch its NPU load per core, CPU load, temperatures and memory.
          </p>
        </EmptyState>
      ) : (
        <>
          {error && <ErrorNotice error={error} compact />}
          {latest?.npuUnavailable && (
            <Notice tone="warn">
              NPU load is not available on this board:{' '}
              {latest.npuUnavailable === 'needs root'
                ? 'reading /sys/kernel/debug/rknpu/load needs root. Log in as root to see it.'
                : 'the driver has no load file (drivers before 0.7.2).'}
            </Notice>
          )}
          <div className="tele-readouts">
            <Readout
              label="NPU"
              value={npuAvg === null ? '—' : `${Math.round(npuAvg)}%`}
              note={
                latest?.npu && latest.npu.length > 1
                  ? latest.npu.map((l) => `${Math.round(l.percent)}`).join(' / ')
                  : undefined
              }
            />
            <Readout label="CPU" value={latest?.cpu ? `${Math.round(latest.cpu.total)}%` : '—'} />
            <Readout
              label="Hottest"
              value={hottest === null || hottest === undefined ? '—' : `${hottest.toFixed(1)} °C`}
            />
            <Readout
              label="Memory"
              value={latest?.memory ? `${Math.round(latest.memory.usedPercent)}%` : '—'}
              note={
                latest?.memory
                  ? `${Math.round(latest.memory.totalMb - latest.memory.availableMb)} of ${Math.round(latest.memory.totalMb)} MB`
                  : undefined
              }
            />
          </div>
          <div className="tele-grid">
            <TelemetryChart boardId={board.id} kind="npu" />
            <TelemetryChart boardId={board.id} kind="cpu" />
            <TelemetryChart boardId={board.id} kind="temp" />
            <TelemetryChart boardId={board.id} kind="mem" />
          </div>
          {!latest && <p className="muted small">Waiting for the first reading…</p>}
        </>
      )}
    </Panel>
  );
}

function Readout({
  label,
  value,
  note,
}: {
  label: string;
  value: string;
  note?: string | undefined;
}) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {note && <div className="fact-note">{note}</div>}
    </div>
  );
}

export function BoardDetail({ board }: { board: BoardInfo }) {
  const s = useBoardsStore(
    useShallow((st) => ({
      busy: st.busy[board.id],
      error: st.errors[board.id],
      probe: st.probes[board.id],
      running: runningVirtual(st, board.id),
      profiles: st.profiles,
      connect: st.connect,
      disconnect: st.disconnect,
      probeAgain: st.probe,
      remove: st.remove,
      dismiss: st.dismissError,
      startVirtual: st.startVirtual,
      submitting: st.submitting,
      formError: st.formError,
    })),
  );
  // a connection that never came up failed; "connection lost" is for one that dropped
  const state =
    s.error && board.state !== 'connected' && board.state !== 'reconnecting'
      ? { label: s.error.code === 'CANCELLED' ? 'not connected' : 'failed', tone: 'bad' as Tone }
      : STATE_TEXT[board.state];
  const open =
    board.state === 'connected' || board.state === 'connecting' || board.state === 'reconnecting';
  const error = s.error ?? (board.state === 'disconnected' ? board.error : undefined);
  const stoppedVirtual = board.virtual && !s.running;
  const profileId = board.options.profile;
  return (
    <div className="board-detail" data-testid="board-detail">
      <Panel
        title={
          <>
            <span className="board-title">{board.name}</span>
            <Badge tone={s.busy === 'connecting' ? 'info' : state.tone}>
              <span data-testid="board-state">
                {s.busy === 'connecting' ? 'connecting' : state.label}
              </span>
            </Badge>
            {(board.virtual || board.lastProbe?.virtual) && (
              <Badge
                tone="accent"
                title="A Coral virtual board: a simulated board on this computer"
              >
                virtual
              </Badge>
            )}
          </>
        }
        actions={
          <>
            {stoppedVirtual && profileId ? (
              <button
                className="btn btn-primary"
                onClick={() => void s.startVirtual(profileId)}
                disabled={s.submitting}
                data-testid="virtual-restart"
              >
                Start again
              </button>
            ) : open || s.busy === 'connecting' ? (
              <button
                className="btn"
                onClick={() => void s.disconnect(board.id)}
                disabled={s.busy === 'disconnecting'}
                data-testid="board-disconnect"
              >
                {s.busy === 'connecting' ? 'Cancel' : 'Disconnect'}
              </button>
            ) : (
              <button
                className="btn btn-primary"
                onClick={() => void s.connect(board.id)}
                disabled={Boolean(s.busy)}
                data-testid="board-connect"
              >
                Connect
              </button>
            )}
            {s.running && (
              <button
                className="btn"
                onClick={() => void useBoardsStore.getState().stopVirtual(s.running!.id)}
                data-testid="virtual-stop"
                title="Stop the virtual board (its entry stays)"
              >
                Stop
              </button>
            )}
            <RemoveButton onRemove={() => void s.remove(board.id)} busy={s.busy === 'removing'} />
          </>
        }
      >
        <div className="board-meta">
          <span className="mono">{board.target}</span>
          <span className="muted">
            {board.kind === 'virtual'
              ? 'virtual board over ssh'
              : board.kind === 'adb-tcp'
                ? 'adb over tcp'
                : board.kind}
            {board.options.identityFile ? ` · key ${board.options.identityFile}` : ''}
            {board.options.workDir ? ` · work dir ${board.options.workDir}` : ''}
            {board.lastSeenAt ? ` · last seen ${new Date(board.lastSeenAt).toLocaleString()}` : ''}
          </span>
        </div>
        {stoppedVirtual && (
          <Notice tone="info">
            This virtual board is not running (virtual boards stop when Coral Studio quits). Start
            it again to use it{profileId ? ` (profile ${profileId})` : ''}.
          </Notice>
        )}
        {s.formError && stoppedVirtual && <ErrorNotice error={s.formError} compact />}
        {board.state === 'reconnecting' && (
          <Notice tone="warn">The connection dropped; reconnecting with backoff…</Notice>
        )}
        {error &&
          (error.code === 'HOST_KEY_CHANGED' ? (
            <HostKeyChanged error={error} onDismiss={() => s.dismiss(board.id)} />
          ) : (
            <ErrorNotice
              error={error}
              compact
              action={
                <button className="btn" onClick={() => s.dismiss(board.id)}>
                  Dismiss
                </button>
              }
            />
          ))}
      </Panel>
      <ProbeCard
        report={s.probe}
        stale={board.state !== 'connected'}
        probing={s.busy === 'probing'}
        {...(board.state === 'connected' ? { onProbe: () => void s.probeAgain(board.id) } : {})}
      />
      <TelemetryPanel board={board} />
    </div>
  );
}
