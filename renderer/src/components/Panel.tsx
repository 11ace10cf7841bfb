import type { ReactNode } from 'react';

export function Panel({
  title,
  actions,
  tone,
  children,
  testId,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  tone?: 'bad' | 'warn';
  children: ReactNode;
  testId?: string;
  className?: string;
}) {
  return (
    <section
      className={`panel ${tone ? `panel-${tone}` : ''} ${className ?? ''}`}
      data-testid={testId}
    >
      {(title || actions) && (
        <header className="panel-head">
          {title && <h2>{title}</h2>}
          {actions && <div className="panel-actions">{actions}</div>}
        </header>
      )}
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function ViewHeader({
  title,
  subtitle,
  actions,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="view-head">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="view-actions">{actions}</div>}
    </header>
  );
}
