import { CoralError } from '../../runtime/errors';
import { formatShape } from './inspect';

/** An input as onnxruntime describes it (InferenceSession.inputMetadata). */
export interface InputMeta {
  name: string;
  type: string;
  /** Numbers, symbolic names, or null/-1 for an unnamed unknown dimension. */
  shape: Array<number | string | null>;
}

export interface ResolvedInput {
  name: string;
  type: string;
  shape: number[];
}

/** Makes input shapes concrete: `--shape input=1x3x224x224` or `--shape batch=4`; else 1 + a warning. */
export function resolveInputShapes(
  inputs: InputMeta[],
  shapes: Record<string, number[]>,
  model: string,
): { inputs: ResolvedInput[]; warnings: string[] } {
  const warnings: string[] = [];
  const inputNames = new Set(inputs.map((i) => i.name));
  const symbols = new Set(
    inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')),
  );
  for (const key of Object.keys(shapes)) {
    if (inputNames.has(key)) continue;
    if (symbols.has(key)) {
      if (shapes[key].length !== 1) {
        throw badShape(
          model,
          `--shape ${key}= takes one number (it names a dimension), got ${shapes[key].join('x')}`,
        );
      }
      continue;
    }
    const names = [...inputNames, ...symbols].join(', ') || 'none';
    throw badShape(
      model,
      `--shape ${key}: the model has no input or symbolic dimension "${key}" (it has: ${names})`,
    );
  }
  const resolved = inputs.map((input): ResolvedInput => {
    const given = shapes[input.name];
    if (given) {
      if (given.length !== input.shape.length) {
        throw badShape(
          model,
          `input "${input.name}" has ${input.shape.length} dimensions (${formatShape(input.shape)}), --shape gives ${given.length}`,
        );
      }
      input.shape.forEach((d, i) => {
        if (typeof d === 'number' && d >= 0 && d !== given[i]) {
          throw badShape(
            model,
            `input "${input.name}" has the fixed dimension ${i} = ${d} (${formatShape(input.shape)}); --shape gives ${given[i]}`,
          );
        }
      });
      return { name: input.name, type: input.type, shape: [...given] };
    }
    const shape = input.shape.map((d, i) => {
      if (typeof d === 'number' && d >= 0) return d;
      if (typeof d === 'string' && shapes[d]) return shapes[d][0];
      const label = typeof d === 'string' && d ? `"${d}"` : `${i}`;
      warnings.push(
        `Input "${input.name}" dimension ${label} has no value; using 1. ` +
          `Set it with --shape ${typeof d === 'string' && d ? d : input.name}=${typeof d === 'string' && d ? 'N' : 'AxBxC'}.`,
      );
      return 1;
    });
    return { name: input.name, type: input.type, shape };
  });
  return { inputs: resolved, warnings };
}

function badShape(model: string, why: string): CoralError {
  return new CoralError('BENCH_BAD_SHAPE', `Cannot shape the inputs of ${model}: ${why}.`, {
    hint: 'Run `coral inspect MODEL` to see the input names and shapes.',
  });
}

/** mulberry32: small, fast, deterministic for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float32 → IEEE half bits (round toward zero; fine for benchmark inputs in [0, 1)). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((x >>> 13) & 0x3ff);
}

export type InputData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * Input data for one tensor: seeded uniform values (floats in [0, 1), integers in [0, 10),
 * booleans 0/1) or zeros. Same seed, same data: runs are comparable.
 */
export function makeInputData(
  input: ResolvedInput,
  mode: 'random' | 'zeros',
  seed: number,
  model: string,
): InputData {
  const n = input.shape.reduce((a, b) => a * b, 1);
  if (n > 2 ** 31) {
    throw badShape(
      model,
      `input "${input.name}" would hold ${n} elements (${formatShape(input.shape)})`,
    );
  }
  const rand = prng(seed);
  const fill = <T extends { length: number; [i: number]: number }>(
    arr: T,
    gen: () => number,
  ): T => {
    if (mode === 'random') for (let i = 0; i < arr.length; i++) arr[i] = gen();
    return arr;
  };
  const int = (max: number) => () => Math.floor(rand() * max);
  switch (input.type) {
    case 'float32':
      return fill(new Float32Array(n), rand);
    case 'float64':
      return fill(new Float64Array(n), rand);
    case 'float16':
      return fill(new Uint16Array(n), () => toHalf(rand()));
    case 'int8':
      return fill(new Int8Array(n), int(10));
    case 'uint8':
    case 'bool':
      return fill(new Uint8Array(n), int(input.type === 'bool' ? 2 : 10));
    case 'int16':
      return fill(new Int16Array(n), int(10));
    case 'uint16':
      return fill(new Uint16Array(n), int(10));
    case 'int32':
      return fill(new Int32Array(n), int(10));
    case 'uint32':
      return fill(new Uint32Array(n), int(10));
    case 'int64': {
      const arr = new BigInt64Array(n);
      if (mode === 'random') for (let i = 0; i < n; i++) arr[i] = BigInt(int(10)());
      return arr;
    }
    case 'uint64': {
      const arr = new BigUint64Array(n);
      if (mode === 'random') for (let i = 0; i < n; i++) arr[i] = BigInt(int(10)());
      return arr;
    }
    default:
      throw new CoralError(
        'BENCH_UNSUPPORTED_INPUT',
        `Cannot make data for input "${input.name}" of ${model}: element type ${input.type} is not supported.`,
        { hint: 'Benchmark inputs can be float, integer or bool tensors.' },
      );
  }
}
