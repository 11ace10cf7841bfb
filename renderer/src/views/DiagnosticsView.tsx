import { useEffect, useRef, useState } from 'react';
import type { IpcError } from '../../../electron/ipc/contract-core';
import type { ReportPreview } from '../../../electron/ipc/contract';
import { api } from '../api/client';
import { asIpcError, isCancelled } from '../api/errors';
import { Badge, type Tone } from '../components/Badge';
import { Panel, ViewHeader } from '../components/Panel';
import { ErrorNotice, Loading } from '../components/States';
import { Toggle } from '../components/Toggle';
import './diagnostics.css';

type SectionKey = 'runtime' | 'log' | 'boards' | 'runs';
type Format = 'zip' | 'json' | 'html';

const SECTIONS: Array<{ key: SectionKey; label: string; what: string }> = [
  {
    key: 'runtime',
    label: 'Runtime',
    what: 'adapters, failures with stacks, config with sources, CORAL_* variables, plugins',
  },
  { key: 'log', label: 'Runtime log', what: 'the most recent entries' },
  {
    key: 'boards',
    label: 'Boards',
    what: 'probe, last telemetry, connection errors, compatibility',
  },
  { key: 'runs', label: 'Benchmark runs', what: 'options, statistics and latency plots' },
];

const FORMATS: Array<{ key: Format; label: string; title: string }> = [
  {
    key: 'zip',
    label: 'zip',
    title: 'report.json and report.html together (what maintainers ask for)',
  },
  { key: 'html', label: 'html', title: 'one page to read or print' },
  { key: 'json', label: 'json', title: 'machine-readable, validated against its schema' },
];

const STATUS_TONE: Record<string, Tone> = {
  ok: 'good',
  error: 'bad',
  unavailable: 'neutral',
  omitted: 'neutral',
};

/**
 * The report's page inside a shadow root: its own stylesheet (adopted, since the app's CSP
 * allows no inline styles), isolated from the app's. What is shown is report.html's body as it
 * will be written.
 */
function ReportPage({ html }: { html: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    // The stylesheet is taken out before parsing: a parsed <style> would trip the app's CSP.
    const css: string[] = [];
    const markup = html.replace(/<style>([\s\S]*?)<\/style>/g, (_m, text: string) => {
      css.push(text);
      return '';
    });
    const doc = new DOMParser().parseFromString(markup, 'text/html');
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css.join('\n'));
    root.adoptedStyleSheets = [sheet];
    // Markup built and escaped by the main side's renderer; the CSP forbids inline scripts anyway.
    root.innerHTML = `<div class="report-body">${doc.body.innerHTML}</div>`;
    // In-page links (#runtime …) scroll inside the preview instead of changing the app's URL.
    const onClick = (e: Event) => {
      const a = (e.target as Element | null)?.closest?.('a[href^="#"]');
      if (!a) return;
      e.preventDefault();
      root.getElementById(a.getAttribute('href')!.slice(1))?.scrollIntoView({ behavior: 'smooth' });
    };
    root.addEventListener('click', onClick);
    return () => root.removeEventListener('click', onClick);
  }, [html]);
  return <div ref={hostRef} className="diag-page" data-testid="diag-preview" />;
}

function clampInt(raw: string, max: number): number {
  const n = Math.floor(Number(raw));
  return Number.isFinite(n) ? Math.min(max, Math.max(0, n)) : 0;
}

function download(bytes: Uint8Array, mime: string, fileName: string): void {
  const blob = new Blob([new Uint8Array(bytes)], { type: mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function DiagnosticsView() {
  const [sections, setSections] = useState<Record<SectionKey, boolean>>({
    runtime: true,
    log: true,
    boards: true,
    runs: true,
  });
  const [runs, setRuns] = useState(10);
  const [log, setLog] = useState(200);
  const [anonymize, setAnonymize] = useState(false);
  const [format, setFormat] = useState<Format>('zip');
  const [refresh, setRefresh] = useState(0);
  const [preview, setPreview] = useState<ReportPreview | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [exporting, setExporting] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  // The preview is current when it was built for exactly these choices.
  const wanted = JSON.stringify({ sections, runs, log, anonymize, refresh });
  const [builtFor, setBuiltFor] = useState<string | null>(null);
  const loading = builtFor !== wanted;

  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api()
        .diag.preview({ sections, runs, log, anonymize }, { signal: ctrl.signal })
        .then((p) => {
          setPreview(p);
          setError(null);
          setSaved(null);
          setBuiltFor(wanted);
        })
        .catch((e: unknown) => {
          if (ctrl.signal.aborted || isCancelled(e)) return;
          setError(asIpcError(e));
          setBuiltFor(wanted);
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [sections, runs, log, anonymize, wanted]);

  const exportReport = async () => {
    if (!preview) return;
    setExporting(true);
    setSaved(null);
    try {
      const out = await api().diag.export({ id: preview.id, format });
      download(out.bytes, out.mime, out.fileName);
      setSaved(out.fileName);
    } catch (e) {
      setError(asIpcError(e));
      if ((e as { code?: string }).code === 'DIAG_PREVIEW_EXPIRED') setRefresh((n) => n + 1);
    } finally {
      setExporting(false);
    }
  };

  const report = preview?.report;
  const redaction = report?.redaction;
  const fileName = preview ? preview.fileName.replace(/\.zip$/, `.${format}`) : null;

  return (
    <div className="view" data-testid="view-diagnostics">
      <ViewHeader
        title="Diagnostics"
        subtitle="One report to attach to a bug ticket, with secrets taken out. The preview below is exactly what will be written."
        actions={
          <>
            <div className="segmented" role="group" aria-label="Format">
              {FORMATS.map((f) => (
                <button
                  key={f.key}
                  className={format === f.key ? 'active' : ''}
                  title={f.title}
                  aria-pressed={format === f.key}
                  onClick={() => setFormat(f.key)}
                  data-testid={`diag-format-${f.key}`}
                >
                  {f.label}
                </button>
              ))}
            </div>
            <button
              className="btn btn-primary"
              disabled={!preview || loading || exporting}
              onClick={() => void exportReport()}
              data-testid="diag-export"
            >
              {exporting ? 'Exporting…' : 'Export report…'}
            </button>
          </>
        }
      />
      {error && (
        <ErrorNotice
          error={error}
          action={
            <button className="btn" onClick={() => setRefresh((n) => n + 1)}>
              Refresh preview
            </button>
          }
        />
      )}
      <div className="diag-grid">
        <Panel title="What goes in" testId="diag-options">
          <ul className="diag-sections">
            {SECTIONS.map((s) => {
              const status = report?.[s.key].status;
              return (
                <li key={s.key}>
                  <Toggle
                    checked={sections[s.key]}
                    onChange={(v) => setSections((cur) => ({ ...cur, [s.key]: v }))}
                    label={`Include ${s.label}`}
                    testId={`diag-section-${s.key}`}
                  />
                  <div className="diag-section-text">
                    <div className="strong">
                      {s.label}{' '}
                      {status && sections[s.key] && status !== 'ok' && (
                        <Badge tone={STATUS_TONE[status] ?? 'neutral'}>{status}</Badge>
                      )}
                    </div>
                    <div className="muted small">{s.what}</div>
                  </div>
                </li>
              );
            })}
          </ul>
          <div className="field-row">
            <label className="field">
              <span className="label">Last runs</span>
              <input
                type="number"
                min={0}
                max={1000}
                value={runs}
                disabled={!sections.runs}
                onChange={(e) => setRuns(clampInt(e.target.value, 1000))}
                data-testid="diag-runs"
              />
            </label>
            <label className="field">
              <span className="label">Last log entries</span>
              <input
                type="number"
                min={0}
                max={5000}
                value={log}
                disabled={!sections.log}
                onChange={(e) => setLog(clampInt(e.target.value, 5000))}
                data-testid="diag-log"
              />
            </label>
          </div>
          <div className="diag-anon">
            <Toggle
              checked={anonymize}
              onChange={setAnonymize}
              label="Anonymize"
              testId="diag-anonymize"
            />
            <div>
              <div className="strong">Anonymize</div>
              <div className="muted small">
                Host names, IP addresses, serials and user names become host-1, ip-1 …
              </div>
            </div>
          </div>
          <div className="diag-redaction" data-testid="diag-redaction">
            <div className="label">Redacted</div>
            {redaction ? (
              <>
                <div>
                  <strong>{redaction.total}</strong> value{redaction.total === 1 ? '' : 's'}{' '}
                  replaced
                  {redaction.anonymized && ' · anonymized'}
                </div>
                <ul className="chips">
                  {Object.entries(redaction.counts)
                    .filter(([, n]) => n > 0)
                    .map(([kind, n]) => (
                      <li key={kind} className="chip">
                        {kind} {n}
                      </li>
                    ))}
                </ul>
                <p className="muted small">
                  Passwords, passphrases, tokens, private keys, secret variables and URL credentials
                  are always replaced; the report lists how many, never the values.
                </p>
              </>
            ) : (
              <span className="muted small">—</span>
            )}
          </div>
          {fileName && (
            <div className="diag-file muted small" data-testid="diag-file-name">
              {saved ? (
                <>
                  Saved <span className="mono">{saved}</span>
                </>
              ) : (
                <>
                  Will be saved as <span className="mono">{fileName}</span>
                </>
              )}
            </div>
          )}
        </Panel>
        <Panel title="Preview" className="diag-preview-panel" testId="diag-preview-panel">
          {loading && !preview && <Loading label="Building the report…" />}
          {preview && (
            <div className={loading ? 'diag-stale' : ''}>
              <ReportPage html={preview.html} />
            </div>
          )}
        </Panel>
      </div>
    </div>
  );
}
