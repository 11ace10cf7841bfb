import type { Transport } from '../types';
import { parseProbeOutput, type ProbeResult } from './parse';
import { probeScript } from './script';

export interface ProbeReport extends ProbeResult {
  target: string;
  transport: Transport['kind'];
  durationMs: number;
  /** Commands sent to the board: the probe is one batched script. */
  roundTrips: number;
}

export interface ProbeOptions {
  /** The directory whose free space is reported (where models will be pushed). */
  workDir?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Probes a board in one round trip. Odd board output becomes warnings, never a crash. */
export async function probe(
  transport: Transport,
  options: ProbeOptions = {},
): Promise<ProbeReport> {
  const started = Date.now();
  const workDir = options.workDir ?? '/tmp';
  const res = await transport.exec(probeScript(workDir), {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
    killable: false,
  });
  const result = parseProbeOutput(res.stdout, { workDir });
  return {
    target: transport.target,
    transport: transport.kind,
    ...result,
    durationMs: Date.now() - started,
    roundTrips: 1,
  };
}

export type { ProbeResult } from './parse';
export { parseProbeOutput } from './parse';
export { BoardOutputError } from './sections';
