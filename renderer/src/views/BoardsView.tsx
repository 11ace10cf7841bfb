import { Badge } from '../components/Badge';
import { IconBoards } from '../components/Icons';
import { Panel, ViewHeader } from '../components/Panel';
import { EmptyState } from '../components/States';

/** Boards: designed empty state until the boards room wires its service to the contract. */
export function BoardsView() {
  return (
    <div className="view" data-testid="view-boards">
      <ViewHeader
        title="Boards"
        subtitle="Dev boards reached over ssh or adb: what they run, how loaded their NPU is, and how fast your model is on them."
      />
      <Panel>
        <EmptyState
          testId="boards-empty"
          icon={<IconBoards />}
          title="No boards connected"
          action={
            <button className="btn btn-primary" disabled title="Arrives with the boards service">
              Add a board…
            </button>
          }
        >
          <p>
            Add a board by its target, for example <code>user@192.168.1.20</code> (ssh) or{' '}
            <code>adb:serial</code>. Coral Studio then:
          </p>
          <ol className="steps">
            <li>
              probes it in one round trip: SoC, NPU driver, librknnrt and rknn_server versions;
            </li>
            <li>warns when a model was built by a newer RKNN toolkit than the board's runtime;</li>
            <li>shows NPU load per core live while you watch it;</li>
            <li>runs benchmarks on the board and puts them in the same history as local runs.</li>
          </ol>
          <p className="muted small">
            SSH host keys are checked against known_hosts; passwords are never stored in plain text.{' '}
            <Badge tone="neutral">coming with the boards service</Badge>
          </p>
        </EmptyState>
      </Panel>
    </div>
  );
}
