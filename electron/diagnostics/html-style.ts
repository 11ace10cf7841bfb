/**
 * The stylesheet of report.html: one inline block, screen and print. The same text also styles
 * the app's live preview, where the report's body sits in a shadow root (`:host`) inside a
 * `.report-body` element: the app's CSP forbids inline styles, so the preview adopts this as a
 * constructed stylesheet instead of loading the page in a frame.
 */
export const REPORT_CSS = `
:root, :host {
  --ink: #1d2430; --muted: #5c6675; --line: #dde2e8; --soft: #f4f6f9; --accent: #e8644f;
  --ok: #1f7a4d; --ok-bg: #e3f4ea; --warn: #8a5a00; --warn-bg: #fdf1d8; --err: #b42318; --err-bg: #fde8e6;
  --info: #1f5fa8; --info-bg: #e5effb;
}
* { box-sizing: border-box; }
html, :host { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body, .report-body { margin: 0; color: var(--ink); background: #fff;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 0 28px 40px; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 11.5px; }
pre { margin: 4px 0; padding: 8px 10px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  white-space: pre-wrap; word-break: break-word; }
h1 { font-size: 22px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 30px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); display: flex; align-items: baseline; gap: 10px; }
h2 .count { font-size: 12px; color: var(--muted); font-weight: 500; }
h3 { font-size: 14px; margin: 18px 0 6px; }
a { color: var(--info); text-decoration: none; }
.masthead { background: #1d2430; color: #fff; padding: 22px 28px 18px; }
.masthead .inner { max-width: 1080px; margin: 0 auto; display: flex; justify-content: space-between; gap: 24px; align-items: flex-end; }
.masthead .brand { display: flex; gap: 12px; align-items: center; }
.masthead .dot { width: 14px; height: 14px; border-radius: 50%; background: var(--accent); box-shadow: 0 0 0 4px rgba(232,100,79,.25); }
.masthead .sub { color: #b9c2cf; font-size: 12.5px; margin-top: 4px; }
.masthead .meta { text-align: right; color: #d5dbe4; font-size: 12px; }
.masthead .meta b { color: #fff; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px; margin: 16px 0 4px; }
nav.toc a { border: 1px solid var(--line); border-radius: 999px; padding: 3px 11px; color: var(--ink); background: #fff; font-size: 12px; }
nav.toc a .n { color: var(--muted); margin-left: 4px; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 8px; margin-top: 14px; }
.fact { border: 1px solid var(--line); border-radius: 8px; padding: 8px 11px; background: #fff; break-inside: avoid; }
.fact .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; }
.fact .v { font-weight: 600; margin-top: 2px; word-break: break-word; }
.fact .v small { font-weight: 400; color: var(--muted); }
.banner { margin: 14px 0 0; padding: 10px 14px; border-radius: 8px; border: 1px solid; display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
.banner.safe { background: var(--ok-bg); border-color: #b5dec6; }
.banner.danger { background: var(--err-bg); border-color: #f3b8b2; color: var(--err); font-weight: 600; }
.chip { display: inline-block; padding: 1px 8px; border-radius: 999px; background: #fff; border: 1px solid var(--line); font-size: 11.5px; }
.chip b { font-variant-numeric: tabular-nums; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 4px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; background: var(--soft); }
tr { break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.src, td.nowrap { white-space: nowrap; }
td .mono, td code { word-break: break-all; }
.badge { display: inline-block; padding: 0 7px; border-radius: 4px; font-size: 11px; font-weight: 600; line-height: 18px; white-space: nowrap; }
.b-ok { background: var(--ok-bg); color: var(--ok); }
.b-warn { background: var(--warn-bg); color: var(--warn); }
.b-err { background: var(--err-bg); color: var(--err); }
.b-info { background: var(--info-bg); color: var(--info); }
.b-muted { background: var(--soft); color: var(--muted); }
.source { color: var(--muted); font-size: 11.5px; }
.source.override, .source.env { color: var(--info); }
.source.file { color: var(--ok); }
.note { color: var(--muted); font-style: italic; margin: 6px 0; }
.callout { border-left: 4px solid; border-radius: 6px; padding: 9px 12px; margin: 8px 0; break-inside: avoid; }
.callout.err { border-color: var(--err); background: var(--err-bg); }
.callout.warn { border-color: #d99a00; background: var(--warn-bg); }
.callout.muted { border-color: var(--line); background: var(--soft); color: var(--muted); }
.callout .title { font-weight: 600; }
.callout .hint { margin-top: 3px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin: 12px 0; break-inside: avoid; }
.card-head { display: flex; justify-content: space-between; gap: 12px; align-items: baseline; flex-wrap: wrap; }
.card-head .title { font-weight: 700; font-size: 14px; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; word-break: break-word; }
.kv.cols { grid-template-columns: repeat(3, max-content minmax(0, 1fr)); }
.inline-kv { color: var(--muted); font-size: 11.5px; }
.inline-kv b { color: var(--ink); font-weight: 500; }
.plots { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin-top: 8px; }
.plot { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.plot .grid { stroke: #e9edf2; stroke-width: 1; }
.plot .axis { stroke: #8a94a3; stroke-width: 1; }
.plot .line { fill: none; stroke: var(--accent); stroke-width: 1.4; stroke-linejoin: round; }
.plot .area { fill: rgba(232,100,79,.10); stroke: none; }
.plot .bar { fill: #4f7cc4; }
.plot .bar.overflow { fill: #d99a00; }
.plot .tick { font-size: 10px; fill: #5c6675; }
.plot .label { font-size: 10.5px; fill: #5c6675; }
.plot .marker { font-size: 10px; font-weight: 600; }
.stats { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.stat { border: 1px solid var(--line); border-radius: 6px; padding: 3px 9px; }
.stat .k { color: var(--muted); font-size: 11px; margin-right: 4px; }
.stat .v { font-weight: 600; font-variant-numeric: tabular-nums; }
.log td.msg { word-break: break-word; }
.log tr.l-error td { background: #fff6f5; }
.log tr.l-warn td { background: #fffaf0; }
footer { margin-top: 36px; color: var(--muted); font-size: 11.5px; border-top: 1px solid var(--line); padding-top: 10px; }
@media (max-width: 760px) { .plots { grid-template-columns: 1fr; } .kv.cols { grid-template-columns: max-content 1fr; } }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  .masthead { padding: 14px 16px; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  section { break-before: auto; }
  .plots { grid-template-columns: 1fr 1fr; }
  a { color: inherit; }
}
`;
