/**
 * Parser of `rknn_benchmark` output (rknpu2 / rknn-toolkit2 examples), whole or line by line:
 *
 *   rknn_api/rknnrt version: 2.3.0 (c949ad889d@2024-11-07T11:35:33), driver version: 0.9.8
 *   total weight size: 7312768, total internal size: 7782400
 *   total dma used size: 24440832
 *   model input num: 1, output num: 3
 *   input tensors:
 *     index=0, name=images, n_dims=4, dims=[1, 640, 640, 3], n_elems=1228800, size=1228800,
 *       w_stride = 640, size_with_stride=1228800, fmt=NHWC, type=INT8, qnt_type=AFFINE, zp=-128, scale=0.003922
 *   Warmup ...
 *      0: Elapse Time = 25.33ms, FPS = 39.48          (5 warm-up iterations)
 *   Begin perf ...
 *      0: Elapse Time = 18.84ms, FPS = 53.08          (loop_count measured iterations)
 *   Avg Time 18.84ms, Avg FPS = 53.084
 *
 * plus error lines (`rknn_init fail! ret=-6`, `rknn run error -1`, `E RKNN: [..] ...`).
 * The stream form emits an event per recognised line, so a live run shows each iteration as a
 * sample. CRLF and lone CR line ends, ANSI colour codes, a cut-off last line and unrelated lines
 * are tolerated; a text with nothing recognisable is an RknnBenchmarkLogError.
 */
import { StringDecoder } from 'node:string_decoder';
import { CoralError } from '../../runtime/errors';
import { rknnErrorCode, rknnErrorName } from './error-codes';
import {
  ANSI,
  KNOWN_NOISE,
  PLAIN_FAILURES,
  RE_API_FAIL,
  RE_CUSTOM,
  RE_IO,
  RE_ITER,
  RE_MEM_A,
  RE_MEM_B,
  RE_OLD_AVG_FPS,
  RE_OLD_AVG_TIME,
  RE_PERF,
  RE_PERF_TIME,
  RE_RUNTIME_MSG,
  RE_RUN_ERROR,
  RE_SECTION,
  RE_SUMMARY,
  RE_TENSOR,
  RE_VERSION,
  RE_WARMUP,
  parseTensor,
  toNumber,
  unsignedFromPrinted,
  versionMismatchHint,
} from './benchmark-log-lines';
import type {
  RknnLogPhase,
  RknnIteration,
  RknnLogFailure,
  RknnRuntimeMessage,
  RknnLogEvent,
  RknnBenchmarkLog,
} from './benchmark-log-types';
export type {
  RknnLogTensor,
  RknnLogPhase,
  RknnIteration,
  RknnLogFailure,
  RknnRuntimeMessage,
  RknnLogMemory,
  RknnLogEvent,
  RknnBenchmarkLog,
} from './benchmark-log-types';

export class RknnBenchmarkLogError extends CoralError {
  constructor(
    code: string,
    message: string,
    options: { hint?: string; detail?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, options);
    this.name = 'RknnBenchmarkLogError';
  }
}

function emptyLog(): RknnBenchmarkLog {
  return {
    runtimeVersion: null,
    driverVersion: null,
    memory: { weight: null, internal: null, dma: null },
    inputCount: null,
    outputCount: null,
    inputs: [],
    outputs: [],
    customString: null,
    warmup: [],
    samples: [],
    summary: null,
    failures: [],
    runtimeMessages: [],
    complete: false,
    warnings: [],
    lines: 0,
    recognizedLines: 0,
  };
}

export interface ParserOptions {
  /** Names the log in errors and warnings (a file path, `board:run`). */
  source?: string;
  onEvent?: (event: RknnLogEvent) => void;
}

/**
 * Line-by-line parser. `push()` chunks as they arrive (strings or bytes, split anywhere),
 * `end()` when the stream ends; `snapshot()` gives the state so far.
 */
export class RknnBenchmarkLogParser {
  private readonly log = emptyLog();
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private section: 'input' | 'output' | null = null;
  private phase: RknnLogPhase | null = null;
  private sawPhaseHeader = false;
  private oldAvgMs: number | null = null;
  private stopped = false;
  private ended = false;
  private binaryLines = 0;

  constructor(private readonly options: ParserOptions = {}) {}

  push(chunk: string | Uint8Array): void {
    if (this.ended) throw new Error('RknnBenchmarkLogParser: push() after end()');
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    // Lines end with \n, \r\n or a lone \r; a trailing \r may be the first half of \r\n.
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (c === 13 && i === this.buffer.length - 1) break;
        this.line(this.buffer.slice(start, i));
        if (c === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
    }
    this.buffer = this.buffer.slice(start);
  }

  end(): RknnBenchmarkLog {
    if (this.ended) return this.snapshot();
    this.buffer += this.decoder.end();
    if (this.buffer.endsWith('\r')) this.buffer = this.buffer.slice(0, -1);
    const last = this.buffer;
    this.buffer = '';
    if (last.length > 0) {
      const before = this.log.recognizedLines;
      this.line(last);
      const cleaned = last.replace(ANSI, '').trim();
      if (
        this.log.recognizedLines === before &&
        /^\d+:\s*E|^Avg|^index=|^rknn_api/i.test(cleaned)
      ) {
        this.log.warnings.push(`The last line is cut off: "${cleaned}".`);
      }
    }
    this.ended = true;
    this.finish();
    return this.snapshot();
  }

  snapshot(): RknnBenchmarkLog {
    return structuredClone(this.log);
  }

  private emit(event: RknnLogEvent): void {
    this.log.recognizedLines++;
    this.options.onEvent?.(event);
  }

  private line(raw: string): void {
    this.log.lines++;
    const n = this.log.lines;
    if (this.stopped) return;
    // eslint-disable-next-line no-control-regex -- NULs and other C0 controls mean binary data
    if (/[\u0000-\u0008\u000e-\u001a]/.test(raw.replace(ANSI, ''))) {
      this.binaryLines++;
      return;
    }
    const text = raw.replace(ANSI, '').trim();
    if (!text) return;
    const log = this.log;
    let m: RegExpExecArray | null;

    if ((m = RE_ITER.exec(text))) {
      const phase = this.phase ?? 'measure';
      const iteration: RknnIteration = {
        phase,
        index: Number(m[1]),
        ms: toNumber(m[2]),
        fps: Number.isFinite(toNumber(m[3])) ? toNumber(m[3]) : null,
        line: n,
      };
      if (!Number.isFinite(iteration.ms) || iteration.ms < 0) {
        log.warnings.push(
          `Line ${n}: iteration ${iteration.index} has no usable time ("${text}"); skipped.`,
        );
        return;
      }
      (phase === 'warmup' ? log.warmup : log.samples).push(iteration);
      this.emit({ type: 'iteration', iteration });
      return;
    }
    if ((m = RE_VERSION.exec(text))) {
      if (log.complete || log.samples.length > 0) {
        log.warnings.push(`Line ${n}: a second run starts here; only the first run was read.`);
        this.stopped = true;
        return;
      }
      log.runtimeVersion = m[1].trim();
      log.driverVersion = m[2].trim();
      this.emit({
        type: 'version',
        runtimeVersion: log.runtimeVersion,
        driverVersion: log.driverVersion,
        line: n,
      });
      return;
    }
    if ((m = RE_MEM_A.exec(text))) {
      log.memory.weight = unsignedFromPrinted(m[1]);
      log.memory.internal = unsignedFromPrinted(m[2]);
      this.emit({ type: 'memory', memory: { ...log.memory }, line: n });
      return;
    }
    if ((m = RE_MEM_B.exec(text))) {
      log.memory.dma = Number(m[1]);
      this.emit({ type: 'memory', memory: { ...log.memory }, line: n });
      return;
    }
    if ((m = RE_IO.exec(text))) {
      log.inputCount = Number(m[1]);
      log.outputCount = Number(m[2]);
      this.emit({ type: 'io-count', inputs: log.inputCount, outputs: log.outputCount, line: n });
      return;
    }
    if ((m = RE_SECTION.exec(text))) {
      this.section = m[1].toLowerCase() as 'input' | 'output';
      log.recognizedLines++;
      return;
    }
    if ((m = RE_TENSOR.exec(text))) {
      const tensor = parseTensor(m);
      const kind =
        this.section ??
        (log.inputCount !== null && log.inputs.length >= log.inputCount ? 'output' : 'input');
      (kind === 'input' ? log.inputs : log.outputs).push(tensor);
      this.emit({ type: 'tensor', kind, tensor, line: n });
      return;
    }
    if ((m = RE_CUSTOM.exec(text))) {
      log.customString = m[1].trim();
      log.recognizedLines++;
      return;
    }
    if (RE_WARMUP.test(text) || RE_PERF.test(text)) {
      this.phase = RE_WARMUP.test(text) ? 'warmup' : 'measure';
      this.sawPhaseHeader = true;
      this.section = null;
      this.emit({ type: 'phase', phase: this.phase, line: n });
      return;
    }
    if ((m = RE_SUMMARY.exec(text))) {
      this.summary(toNumber(m[1]), toNumber(m[2]), n);
      return;
    }
    if ((m = RE_OLD_AVG_TIME.exec(text))) {
      this.oldAvgMs = toNumber(m[1]);
      log.recognizedLines++;
      return;
    }
    if ((m = RE_OLD_AVG_FPS.exec(text))) {
      const fps = toNumber(m[1]);
      this.summary(
        this.oldAvgMs ?? (Number.isFinite(fps) && fps > 0 ? 1000 / fps : Number.NaN),
        fps,
        n,
      );
      return;
    }
    if ((m = RE_RUNTIME_MSG.exec(text))) {
      const message: RknnRuntimeMessage = {
        level: m[1] as RknnRuntimeMessage['level'],
        message: m[2].trim(),
        line: n,
      };
      log.runtimeMessages.push(message);
      this.emit({ type: 'runtime-message', message });
      return;
    }
    if ((m = RE_API_FAIL.exec(text))) {
      this.failure(n, text, m[1], Number(m[2]));
      return;
    }
    if ((m = RE_RUN_ERROR.exec(text))) {
      this.failure(n, text, 'rknn_run', Number(m[1]));
      return;
    }
    if (RE_PERF_TIME.test(text) || KNOWN_NOISE.some((re) => re.test(text))) {
      log.recognizedLines++;
      return;
    }
    for (const [re, message, hint] of PLAIN_FAILURES) {
      if (re.test(text)) {
        const failure: RknnLogFailure = { line: n, text, message, ...(hint ? { hint } : {}) };
        log.failures.push(failure);
        this.emit({ type: 'failure', failure });
        return;
      }
    }
  }

  private summary(avgMs: number, avgFps: number, line: number): void {
    if (!Number.isFinite(avgMs)) {
      this.log.warnings.push(`Line ${line}: the average time is not a number; it was ignored.`);
      return;
    }
    this.log.summary = { avgMs, avgFps: Number.isFinite(avgFps) ? avgFps : null };
    this.log.complete = true;
    this.emit({ type: 'summary', avgMs, avgFps: this.log.summary.avgFps, line });
  }

  private failure(line: number, text: string, api: string, code: number): void {
    const known = rknnErrorCode(code);
    const versionHint = this.log.runtimeMessages.find((r) =>
      /Invalid RKNN model version/i.test(r.message),
    );
    const failure: RknnLogFailure = {
      line,
      text,
      api: api.toLowerCase() === 'rknn_input_set' ? 'rknn_inputs_set' : api,
      code,
      codeName: rknnErrorName(code),
      message: `${api} failed with ${rknnErrorName(code)}${known ? ` (${known.meaning})` : ''}`,
      ...(versionHint
        ? { hint: versionMismatchHint(versionHint.message) }
        : known
          ? { hint: known.hint }
          : {}),
    };
    this.log.failures.push(failure);
    this.emit({ type: 'failure', failure });
  }

  /** End-of-log checks: headerless logs, truncation, summary vs iterations. */
  private finish(): void {
    const log = this.log;
    const where = this.options.source ? ` in ${this.options.source}` : '';
    // Runtime messages may arrive on stderr after the stdout failure line: attach the
    // version-mismatch explanation to failures wherever the message is.
    const invalidVersion = log.runtimeMessages.find((r) =>
      /Invalid RKNN model version/i.test(r.message),
    );
    if (invalidVersion) {
      for (const f of log.failures) {
        if (f.code !== undefined && !f.hint?.startsWith('The runtime said')) {
          f.hint = versionMismatchHint(invalidVersion.message);
        }
      }
    }
    if (this.binaryLines > 0 && log.recognizedLines > 0) {
      log.warnings.push(`${this.binaryLines} line(s) of binary data${where} were skipped.`);
    }
    // Without "Warmup ..."/"Begin perf ..." headers, an index that restarts at 0 ends the warm-up.
    if (!this.sawPhaseHeader && log.warmup.length === 0) {
      const restart = log.samples.findIndex((it, i) => i > 0 && it.index === 0);
      if (restart > 0) {
        log.warmup = log.samples.slice(0, restart).map((it) => ({ ...it, phase: 'warmup' }));
        log.samples = log.samples.slice(restart);
        log.warnings.push(
          `The log has no "Warmup ..."/"Begin perf ..." lines; the first ${restart} iterations (before the index restarts at 0) were taken as warm-up.`,
        );
      } else if (log.samples.length > 0) {
        log.warnings.push(
          'The log has no "Warmup ..."/"Begin perf ..." lines; all iterations were taken as measured.',
        );
      }
    }
    if (!log.complete && log.failures.length === 0 && log.recognizedLines > 0) {
      const lastIt = log.samples.at(-1) ?? log.warmup.at(-1);
      log.warnings.push(
        lastIt
          ? `The log ends before the summary line ("Avg Time ..."), after ${lastIt.phase === 'warmup' ? 'warm-up' : 'measured'} iteration ${lastIt.index}: the output was cut off.`
          : 'The log ends before any iteration: the output was cut off.',
      );
    }
    if (log.summary && log.samples.length > 0) {
      const mean = log.samples.reduce((s, it) => s + it.ms, 0) / log.samples.length;
      const tolerance = Math.max(0.02, log.summary.avgMs * 0.02);
      if (Math.abs(mean - log.summary.avgMs) > tolerance) {
        log.warnings.push(
          `The summary says Avg Time ${log.summary.avgMs}ms but the ${log.samples.length} iteration lines average ${mean.toFixed(2)}ms: lines may be missing.`,
        );
      }
    }
  }
}

/**
 * Parses a whole log. Throws RknnBenchmarkLogError RKNN_LOG_EMPTY or RKNN_LOG_UNRECOGNIZED when
 * the text is not rknn_benchmark output at all; a failed run is a valid log (see `failures`).
 */
export function parseRknnBenchmarkLog(
  text: string | Uint8Array,
  options: ParserOptions = {},
): RknnBenchmarkLog {
  const source = options.source ?? 'the log';
  const parser = new RknnBenchmarkLogParser(options);
  parser.push(text);
  const log = parser.end();
  const raw = typeof text === 'string' ? text : Buffer.from(text).toString('utf8');
  if (raw.trim() === '') {
    throw new RknnBenchmarkLogError('RKNN_LOG_EMPTY', `${source} is empty.`, {
      hint: 'Save the output of `rknn_benchmark MODEL.rknn` (stdout and stderr) to the file.',
    });
  }
  if (log.recognizedLines === 0) {
    const looksHtml = /^\s*(<!doctype html|<html)/i.test(raw);
    // eslint-disable-next-line no-control-regex -- NUL means binary
    const binary = /\u0000/.test(raw.slice(0, 4096));
    const what = looksHtml
      ? 'an HTML page'
      : binary
        ? 'binary data'
        : 'text without any rknn_benchmark line';
    throw new RknnBenchmarkLogError(
      'RKNN_LOG_UNRECOGNIZED',
      `${source} is not rknn_benchmark output: it is ${what} (${log.lines} lines, no version, iteration or summary line).`,
      { hint: 'Give the saved output of `rknn_benchmark MODEL.rknn [input] [loops] [core_mask]`.' },
    );
  }
  return log;
}
