/**
 * librknnrt return codes (rknn_api.h: RKNN_SUCC 0, RKNN_ERR_* -1 … -13) with what they mean for
 * the person at the board. Shared by the benchmark-log parser and the native addon wrapper.
 * Names are spelled exactly as in the header (INCOMPATILE included) so they can be searched for.
 */
export interface RknnErrorCode {
  code: number;
  name: string;
  /** What went wrong, in words. */
  meaning: string;
  /** What to do about it. */
  hint: string;
}

const CHECK_MODEL =
  'Run `coral rknn check MODEL --soc SOC --librknnrt VERSION` to compare model and board.';

export const RKNN_ERROR_CODES: readonly RknnErrorCode[] = [
  {
    code: -1,
    name: 'RKNN_ERR_FAIL',
    meaning: 'the runtime failed',
    hint: 'Look at the "E RKNN:" lines just before it; "Invalid RKNN model version" means librknnrt is older than the toolkit that built the model.',
  },
  {
    code: -2,
    name: 'RKNN_ERR_TIMEOUT',
    meaning: 'the NPU timed out',
    hint: 'The NPU may be hung or overloaded; check `dmesg` for rknpu errors and reboot the board.',
  },
  {
    code: -3,
    name: 'RKNN_ERR_DEVICE_UNAVAILABLE',
    meaning: 'the NPU device is not available',
    hint: 'Check that the rknpu driver is loaded (`dmesg | grep -i rknpu`) and that the user may open /dev/dri/renderD129 (or /dev/rknpu).',
  },
  {
    code: -4,
    name: 'RKNN_ERR_MALLOC_FAIL',
    meaning: 'the runtime could not allocate memory',
    hint: 'Free memory on the board (CMA/DMA heap) or use a smaller model.',
  },
  {
    code: -5,
    name: 'RKNN_ERR_PARAM_INVALID',
    meaning: 'a parameter was invalid',
    hint: 'Input sizes or types do not match the model; compare them with the tensor attributes.',
  },
  {
    code: -6,
    name: 'RKNN_ERR_MODEL_INVALID',
    meaning: 'the model is invalid',
    hint: `The file is damaged, not an .rknn model, or needs a newer librknnrt. ${CHECK_MODEL}`,
  },
  {
    code: -7,
    name: 'RKNN_ERR_CTX_INVALID',
    meaning: 'the context is invalid',
    hint: 'The context was destroyed or never created; this is a bug in the caller.',
  },
  {
    code: -8,
    name: 'RKNN_ERR_INPUT_INVALID',
    meaning: 'an input is invalid',
    hint: 'Check the number, index, size and type of the inputs.',
  },
  {
    code: -9,
    name: 'RKNN_ERR_OUTPUT_INVALID',
    meaning: 'an output is invalid',
    hint: 'Check the number and index of the outputs.',
  },
  {
    code: -10,
    name: 'RKNN_ERR_DEVICE_UNMATCH',
    meaning: 'the runtime and the NPU driver or firmware do not match',
    hint: 'Update librknnrt and the rknpu kernel driver to matching versions.',
  },
  {
    code: -11,
    name: 'RKNN_ERR_INCOMPATILE_PRE_COMPILE_MODEL',
    meaning: 'the pre-compiled model does not fit this driver',
    hint: 'Export the model again with the toolkit matching the board, without pre-compilation.',
  },
  {
    code: -12,
    name: 'RKNN_ERR_INCOMPATILE_OPTIMIZATION_LEVEL_VERSION',
    meaning: 'the model optimization level does not fit this driver',
    hint: 'Export the model again with the toolkit matching the board.',
  },
  {
    code: -13,
    name: 'RKNN_ERR_TARGET_PLATFORM_UNMATCH',
    meaning: 'the model is built for another platform',
    hint: `Convert it again with rknn.config(target_platform=<this SoC>). ${CHECK_MODEL}`,
  },
];

const BY_CODE = new Map(RKNN_ERROR_CODES.map((c) => [c.code, c]));

export function rknnErrorCode(code: number): RknnErrorCode | undefined {
  return BY_CODE.get(code);
}

/** `RKNN_ERR_MODEL_INVALID` for -6; `RKNN_ERR_UNKNOWN(-42)` for codes outside the table. */
export function rknnErrorName(code: number): string {
  return BY_CODE.get(code)?.name ?? `RKNN_ERR_UNKNOWN(${code})`;
}
