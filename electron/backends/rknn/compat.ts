/**
 * Will this model run on that board? Checked before anything is deployed:
 * - the model's target_platform vs the board's SoC (else rknn_init fails with
 *   RKNN_ERR_TARGET_PLATFORM_UNMATCH);
 * - the toolkit that built the model vs the board's librknnrt (a runtime older than the toolkit
 *   refuses the model: "Invalid RKNN model version", the most common bring-up failure);
 * - a benchmark core mask vs the SoC's NPU cores.
 * Each finding is `ok | warning | error` with a message that names model and board, and a hint.
 */
import { socInfo, targetFamily, KNOWN_SOCS } from './platforms';
import { compareRknnVersions, parseRknnVersion } from './version';

export type Verdict = 'ok' | 'warning' | 'error';

export interface CompatFinding {
  check: 'target' | 'runtime' | 'core-mask';
  verdict: Verdict;
  /** Stable code, e.g. RKNN_TARGET_MISMATCH, RKNN_RUNTIME_TOO_OLD. */
  code: string;
  message: string;
  hint?: string;
}

export interface CompatResult {
  /** The worst verdict of all findings. */
  verdict: Verdict;
  /** One line for the UI: the worst finding, or "runs on" when everything is ok. */
  message: string;
  hint?: string;
  findings: CompatFinding[];
}

export interface BoardRuntime {
  /** `rk3588`, `rk3566`... (null when not probed yet). */
  soc: string | null;
  /** `2.3.0` or the full `2.3.0 (c949ad889d@2024-11-07T11:35:33)`; null when unknown. */
  librknnrtVersion: string | null;
  /** How to name the board in messages (`orangepi5`, `ssh://radxa@10.0.0.7`). */
  name?: string;
  /** A complete label used as is instead of `board <name>` (`this machine`). */
  label?: string;
}

export interface ModelFacts {
  /** The file, for messages. */
  file?: string;
  toolkitVersion: string | null;
  targetPlatforms: string[];
}

const RANK: Record<Verdict, number> = { ok: 0, warning: 1, error: 2 };

export function worstVerdict(verdicts: Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((w, v) => (RANK[v] > RANK[w] ? v : w), 'ok');
}

function modelName(m: ModelFacts): string {
  return m.file ? `model ${m.file.split(/[\\/]/).pop() || m.file}` : 'the model';
}

function boardName(b: BoardRuntime): string {
  return b.label ?? (b.name ? `board ${b.name}` : 'the board');
}

export function checkTarget(model: ModelFacts, board: BoardRuntime): CompatFinding {
  const m = modelName(model);
  const b = boardName(board);
  const soc = socInfo(board.soc);
  if (!board.soc) {
    return {
      check: 'target',
      verdict: 'warning',
      code: 'RKNN_BOARD_SOC_UNKNOWN',
      message: `The SoC of ${b} is not known, so the target platform of ${m} was not checked.`,
      hint: 'Connect to the board (its probe reads /proc/device-tree/compatible) and check again.',
    };
  }
  if (!soc) {
    return {
      check: 'target',
      verdict: 'warning',
      code: 'RKNN_BOARD_SOC_UNSUPPORTED',
      message: `${capital(b)} reports SoC "${board.soc}", which is not one of the RKNPU2 SoCs Coral knows (${KNOWN_SOCS.join(', ')}).`,
      hint: 'Older NPUs (rk1808, rv1126, rk3399pro) use rknn-toolkit 1 and are not supported by librknnrt.',
    };
  }
  if (model.targetPlatforms.length === 0) {
    return {
      check: 'target',
      verdict: 'warning',
      code: 'RKNN_MODEL_TARGET_UNKNOWN',
      message: `${capital(m)} does not record a target platform; it may not run on ${soc.soc}.`,
      hint: `Export it with rknn.config(target_platform='${soc.family}') to be sure.`,
    };
  }
  const families = model.targetPlatforms.map(targetFamily);
  if (families.includes(soc.family)) {
    const same = model.targetPlatforms.includes(soc.soc);
    return {
      check: 'target',
      verdict: 'ok',
      code: 'RKNN_TARGET_OK',
      message: same
        ? `${capital(m)} is built for ${soc.soc}.`
        : `${capital(m)} is built for ${model.targetPlatforms.join(', ')}, which shares the NPU of ${soc.soc}.`,
    };
  }
  return {
    check: 'target',
    verdict: 'error',
    code: 'RKNN_TARGET_MISMATCH',
    message: `${capital(m)} is built for ${model.targetPlatforms.join(', ')} but ${b} is ${soc.soc}; rknn_init would fail (RKNN_ERR_TARGET_PLATFORM_UNMATCH).`,
    hint: `Convert the model again with rknn.config(target_platform='${soc.family}').`,
  };
}

export function checkRuntime(model: ModelFacts, board: BoardRuntime): CompatFinding {
  const m = modelName(model);
  const b = boardName(board);
  const lib = socInfo(board.soc)?.library ?? 'librknnrt.so';
  const toolkit = parseRknnVersion(model.toolkitVersion);
  const runtime = parseRknnVersion(board.librknnrtVersion);
  if (!runtime) {
    return {
      check: 'runtime',
      verdict: 'warning',
      code: 'RKNN_RUNTIME_VERSION_UNKNOWN',
      message: `The ${lib} version of ${b} is not known, so ${m} was not checked against it.`,
      hint: `Check that ${lib} is installed on the board (its version string is inside the file).`,
    };
  }
  if (!toolkit) {
    return {
      check: 'runtime',
      verdict: 'warning',
      code: 'RKNN_MODEL_TOOLKIT_UNKNOWN',
      message: `${capital(m)} does not record which toolkit built it; it may need a newer ${lib} than ${runtime.text}.`,
    };
  }
  const cmp = compareRknnVersions(toolkit, runtime);
  if (cmp <= 0) {
    return {
      check: 'runtime',
      verdict: 'ok',
      code: 'RKNN_RUNTIME_OK',
      message: `${capital(m)} (rknn-toolkit2 ${toolkit.text}) can be loaded by ${lib} ${runtime.text}.`,
    };
  }
  const fix =
    `Update ${lib} on the board to ${toolkit.text} or newer (from rknn-toolkit2's rknpu2/runtime, ` +
    `the build matching the board's architecture), or export the model again with rknn-toolkit2 ${runtime.text}.`;
  if (toolkit.major === runtime.major && toolkit.minor === runtime.minor) {
    return {
      check: 'runtime',
      verdict: 'warning',
      code: 'RKNN_RUNTIME_PATCH_OLDER',
      message: `${capital(m)} was built by rknn-toolkit2 ${toolkit.text} but ${b} has ${lib} ${runtime.text}; it may fail with "Invalid RKNN model version" (1.5.2 models do on 1.5.0).`,
      hint: fix,
    };
  }
  return {
    check: 'runtime',
    verdict: 'error',
    code: 'RKNN_RUNTIME_TOO_OLD',
    message: `${capital(m)} was built by rknn-toolkit2 ${toolkit.text} but ${b} has ${lib} ${runtime.text}; rknn_init will fail with "Invalid RKNN model version".`,
    hint: fix,
  };
}

/** The masks rknn_benchmark and rknn_set_core_mask accept (RKNN_NPU_CORE_*). */
const CORE_MASKS: Record<number, { label: string; cores: number }> = {
  0: { label: 'auto', cores: 1 },
  1: { label: 'core 0', cores: 1 },
  2: { label: 'core 1', cores: 2 },
  4: { label: 'core 2', cores: 3 },
  3: { label: 'cores 0+1', cores: 2 },
  7: { label: 'cores 0+1+2', cores: 3 },
};

export function describeCoreMask(mask: number): string {
  return CORE_MASKS[mask]?.label ?? `mask ${mask}`;
}

/** Checks a core mask for a SoC; `soc` null means "not known yet" (only the value is checked). */
export function validateCoreMask(soc: string | null, mask: number): CompatFinding {
  const known = Number.isInteger(mask) ? CORE_MASKS[mask] : undefined;
  if (!known) {
    return {
      check: 'core-mask',
      verdict: 'error',
      code: 'RKNN_CORE_MASK_INVALID',
      message: `Core mask ${String(mask)} is not valid.`,
      hint: 'Use 0 (auto), 1, 2 or 4 (one core), 3 (cores 0+1) or 7 (all three cores).',
    };
  }
  const info = socInfo(soc);
  if (!info) {
    return mask === 0
      ? {
          check: 'core-mask',
          verdict: 'ok',
          code: 'RKNN_CORE_MASK_OK',
          message: 'Core mask 0: the runtime picks a core.',
        }
      : {
          check: 'core-mask',
          verdict: 'warning',
          code: 'RKNN_CORE_MASK_UNCHECKED',
          message: `Core mask ${mask} (${known.label}) was not checked: the board's SoC is not known.`,
          hint: 'Use 0 (auto) unless you know the board has enough NPU cores.',
        };
  }
  if (known.cores > info.npuCores) {
    const valid = Object.entries(CORE_MASKS)
      .filter(([, v]) => v.cores <= info.npuCores)
      .map(([k]) => k)
      .join(', ');
    return {
      check: 'core-mask',
      verdict: 'error',
      code: 'RKNN_CORE_MASK_UNSUPPORTED',
      message: `Core mask ${mask} (${known.label}) needs ${known.cores} NPU cores; ${info.soc} has ${info.npuCores}.`,
      hint: `On ${info.soc} use ${valid}.`,
    };
  }
  if (info.npuCores === 1 && mask !== 0) {
    return {
      check: 'core-mask',
      verdict: 'ok',
      code: 'RKNN_CORE_MASK_OK',
      message: `${info.soc} has one NPU core; core mask ${mask} runs the same as 0 (auto).`,
    };
  }
  return {
    check: 'core-mask',
    verdict: 'ok',
    code: 'RKNN_CORE_MASK_OK',
    message: `Core mask ${mask}: ${known.label} of ${info.soc}'s ${info.npuCores} NPU cores.`,
  };
}

/** Target and runtime checks (and the core mask, when one is given) in one verdict. */
export function checkCompatibility(
  model: ModelFacts,
  board: BoardRuntime,
  options: { coreMask?: number } = {},
): CompatResult {
  const findings = [checkTarget(model, board), checkRuntime(model, board)];
  if (options.coreMask !== undefined) findings.push(validateCoreMask(board.soc, options.coreMask));
  const verdict = worstVerdict(findings.map((f) => f.verdict));
  if (verdict === 'ok') {
    const soc = socInfo(board.soc);
    return {
      verdict,
      message: `${capital(modelName(model))} runs on ${boardName(board)} (${soc?.soc ?? board.soc}, ${soc?.library ?? 'librknnrt.so'} ${parseRknnVersion(board.librknnrtVersion)?.text ?? '?'}).`,
      findings,
    };
  }
  const worst = findings.find((f) => f.verdict === verdict) as CompatFinding;
  return { verdict, message: worst.message, ...(worst.hint ? { hint: worst.hint } : {}), findings };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
