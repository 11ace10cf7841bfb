/**
 * Boards: saved boards and adb devices on the left, the selected board on the right (its
 * connection, probe card and live telemetry). Mounting the view subscribes to the boards'
 * events — which is what makes the main side watch telemetry and track adb — and unmounting
 * stops both.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../components/Badge';
import { IconBoards } from '../components/Icons';
import { Panel, ViewHeader } from '../components/Panel';
import { EmptyState, ErrorNotice, Loading } from '../components/States';
import { connectBoards, selectedBoard, useBoardsStore } from '../store/boards';
import { AddBoardDialog, VirtualBoardDialog } from './boards/AddDialogs';
import { BoardDetail } from './boards/BoardDetail';
import { AdbDevices, BoardList } from './boards/BoardList';
import './boards/boards.css';

function Actions() {
  const open = useBoardsStore((s) => s.openDialog);
  return (
    <>
      <button className="btn" onClick={() => open('virtual')} data-testid="open-virtual">
        Start a virtual board…
      </button>
      <button className="btn btn-primary" onClick={() => open('add')} data-testid="open-add">
        Add a board…
      </button>
    </>
  );
}

function Welcome() {
  const open = useBoardsStore((s) => s.openDialog);
  return (
    <Panel>
      <EmptyState
        testId="boards-empty"
        icon={<IconBoards />}
        title="No boards yet"
        action={
          <div className="empty-buttons">
            <button className="btn btn-primary" onClick={() => open('add')}>
              Add a board…
            </button>
            <button className="btn" onClick={() => open('virtual')}>
              Start a virtual board…
            </button>
          </div>
        }
      >
        <p>
          Add a board by its target, for example <code>root@192.168.1.20</code> or a Host alias from{' '}
          <code>~/.ssh/config</code>; adb devices show up on the left by themselves. No hardware at
          hand? Start a <Badge tone="accent">virtual</Badge> board. Coral Studio then:
        </p>
        <ol className="steps">
          <li>probes it in one round trip: SoC, NPU driver, librknnrt and rknn_server versions;</li>
          <li>shows NPU load per core, CPU, temperatures and memory live while you watch it;</li>
          <li>
            runs benchmarks on it from the Benchmarks view, in the same history as local runs.
          </li>
        </ol>
        <p className="muted small">
          SSH host keys are checked against known_hosts; passwords are never stored.
        </p>
      </EmptyState>
    </Panel>
  );
}

export function BoardsView() {
  const s = useBoardsStore(
    useShallow((st) => ({
      status: st.listStatus,
      error: st.listError,
      load: st.load,
      count: st.boards.length,
      dialog: st.dialog,
    })),
  );
  const board = useBoardsStore(selectedBoard);
  useEffect(() => connectBoards(), []);

  return (
    <div className="view boards-view" data-testid="view-boards">
      <ViewHeader
        title="Boards"
        subtitle="Dev boards reached over ssh or adb: what they run and how loaded they are, live."
        actions={<Actions />}
      />
      {s.status === 'error' && s.error && (
        <ErrorNotice
          error={s.error}
          action={
            <button className="btn" onClick={() => void s.load()}>
              Retry
            </button>
          }
        />
      )}
      {(s.status === 'idle' || s.status === 'loading') && <Loading label="Loading boards…" />}
      {s.status === 'ready' && (
        <div className="boards-grid">
          <div className="boards-side">
            {s.count > 0 && <BoardList />}
            <AdbDevices />
          </div>
          <div className="boards-main">
            {s.count === 0 ? (
              <Welcome />
            ) : board ? (
              <BoardDetail key={board.id} board={board} />
            ) : (
              <Panel>
                <EmptyState title="Pick a board">
                  <p>Choose a board on the left to connect it and see its probe and telemetry.</p>
                </EmptyState>
              </Panel>
            )}
          </div>
        </div>
      )}
      {s.dialog === 'add' && <AddBoardDialog />}
      {s.dialog === 'virtual' && <VirtualBoardDialog />}
    </div>
  );
}
