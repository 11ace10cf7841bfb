import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { LogLevel } from '../../../electron/runtime/types';
import { filterLog, useRuntimeStore } from '../store/runtime';
import { Panel } from './Panel';
import { EmptyState } from './States';

const LEVELS: Array<LogLevel | 'all'> = ['all', 'debug', 'info', 'warn', 'error'];
const SHOWN = 800;

const time = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleTimeString(undefined, { hour12: false }) +
        `.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

/** The runtime log, live, filterable by minimum level and by text. Sticks to the bottom. */
export function LogPanel() {
  const log = useRuntimeStore((s) => s.log);
  const { filter, setFilter } = useRuntimeStore(
    useShallow((s) => ({ filter: s.logFilter, setFilter: s.setLogFilter })),
  );
  const entries = useMemo(() => filterLog(log, filter), [log, filter]);
  const shown = entries.length > SHOWN ? entries.slice(-SHOWN) : entries;
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [shown]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onScroll = () => {
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    };
    el.addEventListener('scroll', onScroll);
    return () => el.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <Panel
      title={
        <>
          Runtime log <span className="count">{entries.length}</span>
        </>
      }
      testId="log-panel"
      actions={
        <div className="filters">
          <select
            aria-label="Minimum level"
            value={filter.level}
            onChange={(e) => setFilter({ level: e.target.value as LogLevel | 'all' })}
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === 'all' ? 'all levels' : `${l} and above`}
              </option>
            ))}
          </select>
          <input
            type="search"
            aria-label="Filter log text"
            placeholder="Filter text…"
            value={filter.text}
            onChange={(e) => setFilter({ text: e.target.value })}
          />
        </div>
      }
    >
      <div className="log" ref={box} role="log" aria-live="polite">
        {shown.length === 0 ? (
          <EmptyState title={log.length ? 'No entries match the filter' : 'The log is empty'}>
            {log.length
              ? 'Lower the level or clear the text filter.'
              : 'Entries appear here as the runtime works.'}
          </EmptyState>
        ) : (
          shown.map((e, i) => (
            <div key={`${e.time}-${i}`} className={`log-row log-${e.level}`}>
              <span className="log-time">{time(e.time)}</span>
              <span className={`log-level lvl-${e.level}`}>{e.level}</span>
              <span className="log-source">{e.source}</span>
              <span className="log-message">{e.message}</span>
            </div>
          ))
        )}
      </div>
    </Panel>
  );
}
