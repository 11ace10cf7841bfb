/**
 * IPC schemas of the diagnostics domain. Redaction cannot be switched off from a window:
 * every report the app writes is redacted.
 */
import { z } from 'zod';
import { REPORT_FORMATS, reportSchema } from '../../diagnostics/schema';

const bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be a Uint8Array')
  .meta({ description: 'Uint8Array' });

export const reportOptionsSchema = z
  .object({
    /** Section switches; a section left out of the object is included. */
    sections: z
      .object({
        runtime: z.boolean(),
        log: z.boolean(),
        boards: z.boolean(),
        runs: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
    runs: z.number().int().min(0).max(1000).optional(),
    log: z.number().int().min(0).max(5000).optional(),
    anonymize: z.boolean().optional(),
  })
  .strict();

export const reportPreviewSchema = z.object({
  /** Pass to diag.export to write exactly this report. */
  id: z.string(),
  fileName: z.string(),
  report: reportSchema,
  html: z.string(),
});

export const reportExportSchema = z
  .object({
    /** A preview's id: writes exactly that report. Without it a fresh report is built. */
    id: z.string().min(1).max(100).optional(),
    options: reportOptionsSchema.optional(),
    format: z.enum(REPORT_FORMATS).default('zip'),
  })
  .strict();

export const encodedReportSchema = z.object({
  fileName: z.string(),
  mime: z.string(),
  bytes,
});
