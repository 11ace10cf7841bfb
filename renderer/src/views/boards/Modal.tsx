import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog over the app: focus moves into it (first field, else the dialog), Escape
 * calls onEscape when given, and the page behind is inert for pointer and keyboard.
 */
export function Modal({
  title,
  children,
  footer,
  onEscape,
  testId,
  tone,
  wide,
}: {
  title: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  onEscape?: () => void;
  testId?: string;
  tone?: 'warn' | 'bad';
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const first = el.querySelector<HTMLElement>('input, select, textarea');
    (first ?? el).focus();
  }, []);
  useEffect(() => {
    if (!onEscape) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onEscape();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onEscape]);
  return (
    <div className="modal-backdrop">
      <div
        ref={ref}
        className={`modal ${tone ? `modal-${tone}` : ''} ${wide ? 'modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby="modal-title"
        tabIndex={-1}
        data-testid={testId}
      >
        <header className="modal-head">
          <h2 id="modal-title">{title}</h2>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-foot">{footer}</footer>}
      </div>
    </div>
  );
}
