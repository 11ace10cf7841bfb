/**
 * Adding a board: the ssh form (Host aliases from ~/.ssh/config offered), and starting a
 * virtual board from a shipped profile. Both save the board, select it and connect.
 */
import { useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { ErrorNotice, Loading } from '../../components/States';
import { useBoardsStore } from '../../store/boards';
import { Modal } from './Modal';

export function AddBoardDialog() {
  const s = useBoardsStore(
    useShallow((st) => ({
      aliases: st.aliases,
      aliasesError: st.aliasesError,
      error: st.formError,
      submitting: st.submitting,
      addBoard: st.addBoard,
      openDialog: st.openDialog,
    })),
  );
  const close = () => s.openDialog(null);
  const [target, setTarget] = useState('');
  const [name, setName] = useState('');
  const [identityFile, setIdentityFile] = useState('');
  const [workDir, setWorkDir] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!target.trim()) return;
    void s.addBoard({ target, name, identityFile, workDir });
  };
  return (
    <Modal title="Add a board" onEscape={close} testId="add-board-dialog" wide>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span className="label">Target</span>
          <input
            type="text"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            placeholder="root@192.168.1.20, ssh://radxa@rock5b.local:22, a Host alias, adb:SERIAL"
            list="ssh-aliases"
            spellCheck={false}
            autoComplete="off"
            data-testid="add-target"
          />
          <datalist id="ssh-aliases">
            {s.aliases.map((a) => (
              <option key={a.alias} value={a.alias} />
            ))}
          </datalist>
        </label>
        <div className="aliases">
          <span className="label">From ~/.ssh/config</span>
          {s.aliasesError ? (
            <ErrorNotice error={s.aliasesError} compact />
          ) : s.aliases.length === 0 ? (
            <span className="muted small">
              No Host aliases in ~/.ssh/config. Targets like <code>user@host</code> work too.
            </span>
          ) : (
            <div className="alias-chips">
              {s.aliases.map((a) => (
                <button
                  type="button"
                  key={a.alias}
                  className={`alias-chip ${target === a.alias ? 'selected' : ''}`}
                  onClick={() => setTarget(a.alias)}
                  data-testid={`alias-${a.alias}`}
                  title={`Host ${a.alias}`}
                >
                  <span className="strong">{a.alias}</span>
                  <span className="muted mono small">
                    {a.user ? `${a.user}@` : ''}
                    {a.hostName ?? a.alias}
                    {a.port && a.port !== 22 ? `:${a.port}` : ''}
                  </span>
                </button>
              ))}
            </div>
          )}
        </div>
        <div className="field-row">
          <label className="field">
            <span className="label">Name (optional)</span>
            <input
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="the host, if empty"
              data-testid="add-name"
            />
          </label>
          <label className="field">
            <span className="label">Work directory (optional)</span>
            <input
              type="text"
              value={workDir}
              onChange={(e) => setWorkDir(e.target.value)}
              placeholder="/tmp"
              spellCheck={false}
            />
          </label>
        </div>
        <label className="field">
          <span className="label">Key file (optional)</span>
          <input
            type="text"
            value={identityFile}
            onChange={(e) => setIdentityFile(e.target.value)}
            placeholder="~/.ssh/id_ed25519 — if empty: ssh-agent, ~/.ssh/config and the default keys"
            spellCheck={false}
            data-testid="add-key"
          />
        </label>
        <p className="muted small">
          Host keys are checked against known_hosts; a board seen for the first time asks for your
          trust. Passwords and key passphrases are asked when connecting and never saved. adb
          devices need no form: they appear in the list by themselves.
        </p>
        {s.error && <ErrorNotice error={s.error} compact />}
        <div className="modal-foot modal-foot-inline">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <span className="modal-spacer" />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={s.submitting || !target.trim()}
            data-testid="add-submit"
          >
            {s.submitting ? 'Adding…' : 'Add and connect'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function VirtualBoardDialog() {
  const s = useBoardsStore(
    useShallow((st) => ({
      profiles: st.profiles,
      profilesError: st.profilesError,
      error: st.formError,
      submitting: st.submitting,
      start: st.startVirtual,
      openDialog: st.openDialog,
    })),
  );
  const close = () => s.openDialog(null);
  const [choice, setChoice] = useState<string | null>(null);
  const picked = choice ?? s.profiles[0]?.id ?? null;
  return (
    <Modal title="Start a virtual board" onEscape={close} testId="virtual-dialog" wide>
      <p className="muted">
        A simulated Rockchip board on this computer: it speaks real SSH on 127.0.0.1, answers the
        probe and telemetry from its profile, and runs rknn_benchmark with the profile's timing. It
        is labelled <Badge tone="accent">virtual</Badge> everywhere and stops when Coral Studio
        quits.
      </p>
      {s.profilesError && <ErrorNotice error={s.profilesError} compact />}
      {!s.profilesError && s.profiles.length === 0 && <Loading label="Loading profiles…" />}
      <div className="profiles" role="radiogroup" aria-label="Profile">
        {s.profiles.map((p) => (
          <label
            key={p.id}
            className={`profile ${picked === p.id ? 'selected' : ''}`}
            data-testid={`profile-${p.id}`}
          >
            <input
              type="radio"
              name="profile"
              value={p.id}
              checked={picked === p.id}
              onChange={() => setChoice(p.id)}
            />
            <span className="profile-text">
              <span className="profile-name">
                {p.name.replace(/\s*\(virtual\)\s*$/, '')}
                <Badge tone="info">{p.soc}</Badge>
                {p.npuCores !== null && (
                  <span className="muted small">
                    {p.npuCores === 0
                      ? 'no NPU'
                      : `${p.npuCores} NPU core${p.npuCores === 1 ? '' : 's'}`}
                  </span>
                )}
              </span>
              {p.description && <span className="profile-desc small muted">{p.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {s.error && <ErrorNotice error={s.error} compact />}
      <div className="modal-foot modal-foot-inline">
        <button type="button" className="btn" onClick={close}>
          Cancel
        </button>
        <span className="modal-spacer" />
        <button
          className="btn btn-primary"
          disabled={!picked || s.submitting}
          onClick={() => picked && void s.start(picked)}
          data-testid="virtual-start"
        >
          {s.submitting ? 'Starting…' : 'Start and connect'}
        </button>
      </div>
    </Modal>
  );
}
