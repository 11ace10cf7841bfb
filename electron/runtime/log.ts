import type { LogEntry, LogLevel, Logger } from './types';

type Listener = (entry: LogEntry) => void;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A structured log kept in memory (for the UI and reports) and optionally echoed to a stream.
 * Bounded, so a chatty plugin cannot grow the process without limit.
 */
export class RuntimeLog implements Logger {
  private entries: LogEntry[] = [];
  private listeners = new Set<Listener>();

  constructor(
    private readonly options: {
      capacity?: number;
      echo?: (entry: LogEntry) => void;
      echoLevel?: LogLevel;
    } = {},
  ) {}

  debug(source: string, message: string, detail?: unknown): void {
    this.add('debug', source, message, detail);
  }
  info(source: string, message: string, detail?: unknown): void {
    this.add('info', source, message, detail);
  }
  warn(source: string, message: string, detail?: unknown): void {
    this.add('warn', source, message, detail);
  }
  error(source: string, message: string, detail?: unknown): void {
    this.add('error', source, message, detail);
  }

  add(level: LogLevel, source: string, message: string, detail?: unknown): LogEntry {
    const entry: LogEntry = { time: new Date().toISOString(), level, source, message };
    if (detail !== undefined) entry.detail = detail;
    this.entries.push(entry);
    const capacity = this.options.capacity ?? 5000;
    if (this.entries.length > capacity) this.entries.splice(0, this.entries.length - capacity);
    const { echo, echoLevel = 'info' } = this.options;
    if (echo && LEVEL_RANK[level] >= LEVEL_RANK[echoLevel]) echo(entry);
    for (const l of this.listeners) l(entry);
    return entry;
  }

  list(): LogEntry[] {
    return [...this.entries];
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export function formatLogEntry(e: LogEntry): string {
  return `${e.time} ${e.level.toUpperCase().padEnd(5)} [${e.source}] ${e.message}`;
}
