/**
 * The questions a board connection waits on, one at a time, wherever the user is in the app:
 * trust a host key seen for the first time (SHA256 fingerprint; once / always / reject), or a
 * password, passphrase or keyboard-interactive answer. A secret lives in this component's state
 * until it is sent, then the field is emptied; nothing else keeps it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { BoardPrompt } from '../../../../electron/ipc/contract';
import { ErrorNotice } from '../../components/States';
import { connectBoardPrompts, useBoardsStore } from '../../store/boards';
import { Modal } from './Modal';

/** The SHA256 fingerprint in groups, easier to compare aloud with the board's. */
function Fingerprint({ value }: { value: string }) {
  const [algo, digest] = value.includes(':') ? value.split(/:(.*)/s) : ['', value];
  return (
    <div className="fingerprint" data-testid="host-key-fingerprint" data-fingerprint={value}>
      <span className="fingerprint-algo">{algo}:</span>
      <span className="fingerprint-digest">{digest}</span>
    </div>
  );
}

function HostKeyQuestion({ prompt }: { prompt: BoardPrompt & { request: { kind: 'host-key' } } }) {
  const answer = useBoardsStore((s) => s.answer);
  const error = useBoardsStore((s) => s.promptError);
  const [sending, setSending] = useState(false);
  const r = prompt.request;
  const decide = (decision: 'once' | 'always' | 'reject') => {
    setSending(true);
    void answer({ kind: 'host-key', id: prompt.id, decision }).finally(() => setSending(false));
  };
  const where = r.port === 22 ? r.host : `${r.host}:${r.port}`;
  const keyFile = `/etc/ssh/ssh_host_${r.keyType.replace(/^ssh-|-sha2.*$/g, '').replace(/^ecdsa.*/, 'ecdsa')}_key.pub`;
  return (
    <Modal
      testId="trust-dialog"
      tone="warn"
      title={<>Trust {prompt.boardName ?? where}?</>}
      footer={
        <>
          <button
            className="btn btn-danger"
            onClick={() => decide('reject')}
            disabled={sending}
            data-testid="trust-reject"
          >
            Reject
          </button>
          <span className="modal-spacer" />
          <button
            className="btn"
            onClick={() => decide('once')}
            disabled={sending}
            data-testid="trust-once"
            title="Connect now; ask again next time"
          >
            Trust once
          </button>
          <button
            className="btn btn-primary"
            onClick={() => decide('always')}
            disabled={sending}
            data-testid="trust-always"
            title="Save the key in Coral Studio's known_hosts"
          >
            Trust and remember
          </button>
        </>
      }
    >
      <p>
        Coral Studio has never seen <strong className="mono">{where}</strong> before. It presents
        this <strong>{r.keyType}</strong> host key:
      </p>
      <Fingerprint value={r.fingerprint} />
      {r.otherKnownTypes.length > 0 && (
        <div className="notice notice-warn small">
          This host is already known with a different key type ({r.otherKnownTypes.join(', ')}). A
          board that was not reinstalled keeps its keys: be sure before trusting this one.
        </div>
      )}
      <p className="muted small">
        Compare it with the board's own fingerprint, on the board or its serial console:{' '}
        <code>ssh-keygen -lf {keyFile}</code>. <em>Trust and remember</em> saves the key in Coral
        Studio's known_hosts; <em>Trust once</em> connects without saving it.
      </p>
      {error && <ErrorNotice error={error} compact />}
    </Modal>
  );
}

function SecretQuestion({ prompt }: { prompt: BoardPrompt }) {
  const answer = useBoardsStore((s) => s.answer);
  const error = useBoardsStore((s) => s.promptError);
  const [secret, setSecret] = useState('');
  const [sending, setSending] = useState(false);
  const r = prompt.request;
  let title = 'Log in';
  let label = 'Password';
  let what: React.ReactNode = null;
  let echo = false;
  if (r.kind === 'password') {
    title = `Password for ${r.user}@${r.host}${r.port === 22 ? '' : `:${r.port}`}`;
    what = (
      <p>
        <strong>{prompt.boardName ?? r.target}</strong> accepts a password login, and no key was
        accepted.
      </p>
    );
  } else if (r.kind === 'passphrase') {
    title = 'Key passphrase';
    label = 'Passphrase';
    what = (
      <p>
        The key <code>{r.keyFile}</code> for <strong>{prompt.boardName ?? r.target}</strong> is
        encrypted.
      </p>
    );
  } else if (r.kind === 'keyboard-interactive') {
    title = r.name || `Log in to ${prompt.boardName ?? r.target}`;
    label = r.prompt.replace(/:\s*$/, '') || 'Answer';
    echo = r.echo;
    what = r.instructions ? <p>{r.instructions}</p> : null;
  }
  const cancel = () => {
    setSecret('');
    void answer({ kind: 'decline', id: prompt.id });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!secret) return;
    setSending(true);
    const value = secret;
    setSecret('');
    void answer({ kind: 'secret', id: prompt.id, secret: value }).finally(() => setSending(false));
  };
  return (
    <Modal testId="secret-dialog" title={title} onEscape={cancel}>
      <form onSubmit={submit} className="form">
        {what}
        <label className="field">
          <span className="label">{label}</span>
          <input
            type={echo ? 'text' : 'password'}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            data-testid="secret-input"
          />
        </label>
        <p className="muted small">
          Used for this connection only: never saved, never logged, left out of reports.
        </p>
        {error && <ErrorNotice error={error} compact />}
        <div className="modal-foot modal-foot-inline">
          <button type="button" className="btn" onClick={cancel} disabled={sending}>
            Cancel
          </button>
          <span className="modal-spacer" />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={sending || !secret}
            data-testid="secret-submit"
          >
            Log in
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Mounted once in the app: asks the oldest open question. */
export function BoardPrompts() {
  useEffect(() => connectBoardPrompts(), []);
  const prompt = useBoardsStore((s) => s.prompts[0] ?? null);
  if (!prompt) return null;
  if (prompt.request.kind === 'host-key')
    return (
      <HostKeyQuestion
        key={prompt.id}
        prompt={prompt as BoardPrompt & { request: { kind: 'host-key' } }}
      />
    );
  return <SecretQuestion key={prompt.id} prompt={prompt} />;
}
