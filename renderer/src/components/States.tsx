import type { ReactNode } from 'react';
import type { IpcError } from '../../../electron/ipc/contract-core';

/** An error as the user needs it: what happened, what to do, the code for a bug report. */
export function ErrorNotice({
  error,
  action,
  compact,
}: {
  error: IpcError;
  action?: ReactNode;
  compact?: boolean;
}) {
  return (
    <div className={`notice notice-bad ${compact ? 'notice-compact' : ''}`} role="alert">
      <div className="notice-text">
        <strong>{error.message}</strong>
        {error.hint && <span className="notice-hint">{error.hint}</span>}
        <code className="notice-code">{error.code}</code>
      </div>
      {action}
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'warn' | 'good';
  children: ReactNode;
}) {
  return <div className={`notice notice-${tone}`}>{children}</div>;
}

export function EmptyState({
  icon,
  title,
  children,
  action,
  testId,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="empty" data-testid={testId}>
      {icon && (
        <div className="empty-icon" aria-hidden>
          {icon}
        </div>
      )}
      <h3>{title}</h3>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden />
      {label}
    </div>
  );
}

/** Skeleton rows while a table loads, so the layout does not jump. */
export function SkeletonRows({ rows = 3, cols = 4 }: { rows?: number; cols?: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="skeleton-row">
          {Array.from({ length: cols }, (_, c) => (
            <td key={c}>
              <span className="skeleton" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
