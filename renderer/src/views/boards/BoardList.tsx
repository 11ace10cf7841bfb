/** The saved boards (pick one) and the adb devices, live, each state explained. */
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { Panel } from '../../components/Panel';
import { ErrorNotice } from '../../components/States';
import { unsavedAdbDevices, useBoardsStore } from '../../store/boards';
import { STATE_TEXT } from './BoardDetail';

export function BoardList() {
  const { boards, selected, select, busy } = useBoardsStore(
    useShallow((s) => ({ boards: s.boards, selected: s.selected, select: s.select, busy: s.busy })),
  );
  return (
    <Panel
      title={
        <>
          Saved boards <span className="count">{boards.length}</span>
        </>
      }
      testId="board-list"
    >
      {boards.length === 0 ? (
        <p className="muted small">No saved boards yet.</p>
      ) : (
        <ul className="board-list">
          {boards.map((b) => {
            const st = busy[b.id] === 'connecting' ? 'connecting' : b.state;
            return (
              <li key={b.id}>
                <button
                  className={`board-item ${b.id === selected ? 'selected' : ''}`}
                  onClick={() => select(b.id)}
                  data-testid={`board-item-${b.name}`}
                  aria-current={b.id === selected}
                >
                  <span className={`state-dot state-${st}`} title={STATE_TEXT[st].label} />
                  <span className="board-item-text">
                    <span className="board-item-name" title={b.name}>
                      {b.name}
                    </span>
                    <span className="board-item-target mono" title={b.target}>
                      {b.target}
                    </span>
                  </span>
                  <span className="board-item-side">
                    {b.lastProbe?.soc && <span className="board-item-soc">{b.lastProbe.soc}</span>}
                    {(b.virtual || b.lastProbe?.virtual) && <Badge tone="accent">virtual</Badge>}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

const ADB_TONE = { device: 'good', unauthorized: 'warn', offline: 'bad' } as const;

export function AdbDevices() {
  const { adb, gone, addBoard, submitting } = useBoardsStore(
    useShallow((s) => ({
      adb: s.adb,
      gone: s.adbGone,
      addBoard: s.addBoard,
      submitting: s.submitting,
    })),
  );
  const unsaved = useBoardsStore(useShallow((s) => unsavedAdbDevices(s).map((d) => d.serial)));
  return (
    <Panel
      title={
        <>
          adb devices{' '}
          {adb.tracking && !adb.error && <span className="live-dot" title="tracked live" />}
        </>
      }
      testId="adb-devices"
    >
      {adb.error && <ErrorNotice error={adb.error} compact />}
      {adb.conflict && (
        <div className="notice notice-warn small" data-testid="adb-conflict">
          <strong>{adb.conflict.message}</strong>
          <div>{adb.conflict.hint}</div>
        </div>
      )}
      {!adb.error && adb.devices.length === 0 && (
        <p className="muted small" data-testid="adb-empty">
          {adb.tracking ? 'No adb devices.' : 'Looking for adb devices…'} Plug a board in with USB
          debugging on, or run <code>adb connect HOST:PORT</code>: devices appear here by
          themselves.
        </p>
      )}
      <ul className="adb-list">
        {adb.devices.map((d) => (
          <li key={d.serial} className="adb-device" data-testid={`adb-device-${d.serial}`}>
            <div className="adb-device-head">
              <span className="mono strong adb-serial" title={d.serial}>
                {d.serial}
              </span>
              <Badge tone={ADB_TONE[d.state as keyof typeof ADB_TONE] ?? 'neutral'}>
                {d.state}
              </Badge>
              {d.ready && unsaved.includes(d.serial) && (
                <button
                  className="btn btn-small"
                  disabled={submitting}
                  onClick={() => void addBoard({ target: `adb:${d.serial}` })}
                  data-testid={`adb-add-${d.serial}`}
                >
                  Add
                </button>
              )}
            </div>
            <div className="small">{d.message}</div>
            {d.hint && <div className="small muted">{d.hint}</div>}
          </li>
        ))}
      </ul>
      {gone && (
        <p className="muted small adb-gone" data-testid="adb-gone">
          <span className="mono">{gone.serial}</span> went away at{' '}
          {new Date(gone.at).toLocaleTimeString()} (unplugged, rebooted, or its adbd stopped).
        </p>
      )}
    </Panel>
  );
}
