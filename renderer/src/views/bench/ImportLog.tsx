/**
 * "Import log…" beside the history: a saved rknn_benchmark output (people have piles of them)
 * becomes a run in the history, tagged with the board chosen in the rknn form when there is
 * one. The outcome (or what is wrong with the file) is shown under the history's title.
 */
import { useRef, useState } from 'react';
import type { IpcError } from '../../../../electron/ipc/contract';
import { api } from '../../api/client';
import { asIpcError } from '../../api/errors';
import { ErrorNotice, Notice } from '../../components/States';
import { useBenchStore } from '../../store/bench';
import { useRknnStore } from '../../store/rknn';
import { ms } from './format';
import './rknn.css';

type Outcome = { ok: true; text: string; tone: 'good' | 'warn' } | { ok: false; error: IpcError };

export function useImportLog() {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const board = useRknnStore((s) => s.targets.find((t) => t.id === s.target && t.id !== 'local'));
  const reload = useBenchStore((s) => s.loadHistory);

  const importFile = async (file: File) => {
    setBusy(true);
    setOutcome(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = await api().rknn.importLog({
        name: file.name,
        bytes,
        ...(board ? { board: board.name } : {}),
      });
      const what = `${r.samples} iterations, mean ${ms(r.meanMs)}${board ? ` on ${board.name}` : ''}`;
      setOutcome(
        r.runId
          ? {
              ok: true,
              tone: r.status === 'finished' ? 'good' : 'warn',
              text: `Imported ${file.name} (${r.status}): ${what}.${r.warnings.length ? ` ${r.warnings[0]}` : ''}`,
            }
          : {
              ok: true,
              tone: 'warn',
              text: `Read ${file.name} (${what}) but did not save it: ${r.notSavedReason}.`,
            },
      );
      void reload();
    } catch (e) {
      setOutcome({ ok: false, error: asIpcError(e) });
    } finally {
      setBusy(false);
    }
  };

  const button = (
    <>
      <button
        className="btn"
        disabled={busy}
        onClick={() => input.current?.click()}
        title="Turn a saved rknn_benchmark output into a run"
        data-testid="import-log"
      >
        {busy ? 'Importing…' : 'Import rknn_benchmark log…'}
      </button>
      <input
        ref={input}
        type="file"
        accept=".txt,.log,text/plain"
        hidden
        data-testid="import-log-file"
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void importFile(file);
          e.target.value = '';
        }}
      />
    </>
  );
  const notice = !outcome ? null : outcome.ok ? (
    <div data-testid="import-log-outcome">
      <Notice tone={outcome.tone}>{outcome.text}</Notice>
    </div>
  ) : (
    <div data-testid="import-log-outcome">
      <ErrorNotice error={outcome.error} compact />
    </div>
  );
  return { button, notice };
}
