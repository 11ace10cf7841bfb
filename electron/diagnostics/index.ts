/**
 * Diagnostic reports: one export that tells a maintainer everything and leaks nothing.
 *
 *   const { json, redactionSummary } = await buildReport(sources, { runs: 10, log: 200 });
 *   const html = renderHtml(json);                          // the preview is exactly this
 *   writeReport(json, { format: 'zip', out: dir });         // or encodeReport() for a download
 */
export {
  buildReport,
  DEFAULT_LOG,
  DEFAULT_RUNS,
  type BuiltReport,
  type ReportOptions,
} from './build';
export { renderHtml } from './html';
export {
  encodeReport,
  inferFormat,
  parseFormat,
  reportFileName,
  reportJsonText,
  writeReport,
  REPORT_FORMATS,
  type EncodedReport,
  type ReportFormat,
  type WriteOptions,
  type WrittenReport,
} from './write';
export {
  REPORT_KIND,
  REPORT_SCHEMA_VERSION,
  REDACTION_KINDS,
  SECTION_NAMES,
  reportSchema,
  type DiagnosticReport,
  type RedactionKind,
  type RedactionSummary,
  type SectionName,
} from './schema';
export * from './providers';
export { captureSecrets, SessionSecrets, sessionSecrets } from './secrets';
export {
  baseSources,
  compatVerdict,
  historyProvider,
  runFromRecord,
  runtimeProvider,
} from './sources';
export { headerLines, redactionLine, sectionLine } from './summary';
