import type { ReactNode } from 'react';

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'accent' | 'override';

export function Badge({
  tone = 'neutral',
  title,
  children,
}: {
  tone?: Tone;
  title?: string;
  children: ReactNode;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const STATUS_TONE: Record<string, Tone> = {
  enabled: 'good',
  disabled: 'neutral',
  unsupported: 'warn',
  failed: 'bad',
  finished: 'good',
  running: 'info',
  starting: 'info',
  cancelled: 'warn',
  interrupted: 'warn',
  loaded: 'good',
  skipped: 'neutral',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status}</Badge>;
}

/** Where a value came from: default, file (named), env (the variable), override. */
export function SourceBadge({ source }: { source: string }) {
  if (source.startsWith('file:')) {
    const file = source.slice(5);
    return (
      <Badge tone="info" title={file}>
        file · {file.split(/[\\/]/).pop()}
      </Badge>
    );
  }
  if (source.startsWith('env:')) {
    return (
      <Badge tone="accent" title={`set by the environment variable ${source.slice(4)}`}>
        env · {source.slice(4)}
      </Badge>
    );
  }
  if (source.startsWith('detected:')) {
    return <Badge tone="neutral">detected · {source.slice(9)}</Badge>;
  }
  if (source === 'override') {
    return (
      <Badge tone="override" title="set in this app (Configuration view or --set)">
        override
      </Badge>
    );
  }
  return <Badge tone="neutral">{source}</Badge>;
}

/** An adapter's origin in words: built-in, plugin package, module. */
export function OriginBadge({ origin }: { origin: string }) {
  if (origin.startsWith('plugin:')) {
    return (
      <Badge tone="accent" title="an npm package in a plugin directory">
        plugin · {origin.slice(7)}
      </Badge>
    );
  }
  if (origin.startsWith('module:')) {
    return (
      <Badge tone="info" title={origin.slice(7)}>
        module · {origin.slice(7).split(/[\\/]/).pop()}
      </Badge>
    );
  }
  return <Badge tone="neutral">built-in</Badge>;
}
