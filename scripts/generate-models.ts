/**
 * Writes Coral Studio's sample ONNX models (resources/models) deterministically: the same
 * bytes on every machine, so they can be committed and checked (`npm run models -- --check`).
 *
 *   tiny-classifier.onnx     1x3x64x64 → 1x10, a few thousand weights (tests use it)
 *   dynamic-classifier.onnx  batch x 3 x height x width → batch x 10 (symbolic dims)
 *   yolo-detector.onnx       1x3x640x640 → 1x84x8400, a YOLO-shaped conv stack (> 1 GFLOP)
 *
 * Weights are He-uniform from a fixed-seed PRNG using only +, *, sqrt (correctly rounded in
 * IEEE 754), so no platform-dependent transcendental functions enter the bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AttributeType, DataType, ModelProto } from '../electron/backends/onnx/proto';

export const PRODUCER = 'coral-studio/generate-models';
export const PRODUCER_VERSION = '1';
const IR_VERSION = 8;
const OPSET = 17;

/** mulberry32: a tiny, well-known 32-bit PRNG; deterministic for a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Dim = number | string;
type Attr = number | number[] | string;
/** Channel x height x width of a tensor with batch 1 (for FLOP accounting). */
type Chw = [number, number, number];

interface NodeSpec {
  op_type: string;
  input: string[];
  output: string[];
  name: string;
  attribute: Array<Record<string, unknown>>;
}

function attribute(name: string, v: Attr): Record<string, unknown> {
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: v };
  return Number.isInteger(v)
    ? { name, type: AttributeType.INT, i: v }
    : { name, type: AttributeType.FLOAT, f: v };
}

function valueInfo(name: string, shape: Dim[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: {
          dim: shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
        },
      },
    },
  };
}

function floatTensor(name: string, dims: number[], values: Float32Array): Record<string, unknown> {
  const raw = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) raw.writeFloatLE(values[i], i * 4);
  return { name, dims, data_type: DataType.FLOAT, raw_data: raw };
}

function int64Tensor(name: string, values: number[]): Record<string, unknown> {
  return { name, dims: [values.length], data_type: DataType.INT64, int64_data: values };
}

/** Builds one graph, counting multiply-accumulates of Conv and Gemm as it goes. */
class GraphBuilder {
  private nodes: NodeSpec[] = [];
  private inits: Array<Record<string, unknown>> = [];
  private counter = 0;
  macs = 0;
  params = 0;

  constructor(private readonly rand: () => number) {}

  private uniform(n: number, bound: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.rand() * 2 - 1) * bound;
    return out;
  }

  private id(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  node(op: string, input: string[], attrs: Record<string, Attr> = {}, name?: string): string {
    const nodeName = name ?? this.id(op.toLowerCase());
    const out = `${nodeName}_out`;
    this.nodes.push({
      op_type: op,
      input,
      output: [out],
      name: nodeName,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  weight(prefix: string, dims: number[], fanIn: number): string {
    const name = this.id(prefix);
    const count = dims.reduce((a, b) => a * b, 1);
    this.params += count;
    this.inits.push(floatTensor(name, dims, this.uniform(count, Math.sqrt(6 / fanIn))));
    return name;
  }

  bias(prefix: string, n: number): string {
    const name = this.id(prefix);
    this.params += n;
    this.inits.push(floatTensor(name, [n], this.uniform(n, 0.01)));
    return name;
  }

  constInt64(prefix: string, values: number[]): string {
    const name = this.id(prefix);
    this.inits.push(int64Tensor(name, values));
    return name;
  }

  constFloat(prefix: string, values: number[]): string {
    const name = this.id(prefix);
    this.inits.push(floatTensor(name, [values.length], Float32Array.from(values)));
    return name;
  }

  /** Conv (+ bias) with "same" padding, optionally followed by SiLU (x * sigmoid(x)). */
  conv(
    x: string,
    shape: Chw,
    cout: number,
    k: number,
    stride = 1,
    act: 'silu' | 'relu' | 'none' = 'silu',
  ): [string, Chw] {
    const [cin, h, w] = shape;
    const oh = Math.ceil(h / stride);
    const ow = Math.ceil(w / stride);
    const p = Math.floor(k / 2);
    const wName = this.weight('w', [cout, cin, k, k], cin * k * k);
    const bName = this.bias('b', cout);
    this.macs += oh * ow * cout * cin * k * k;
    let y = this.node('Conv', [x, wName, bName], {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [p, p, p, p],
    });
    if (act === 'silu') y = this.node('Mul', [y, this.node('Sigmoid', [y])]);
    if (act === 'relu') y = this.node('Relu', [y]);
    return [y, [cout, oh, ow]];
  }

  gemm(x: string, inFeatures: number, outFeatures: number): string {
    const wName = this.weight('fc_w', [outFeatures, inFeatures], inFeatures);
    const bName = this.bias('fc_b', outFeatures);
    this.macs += inFeatures * outFeatures;
    return this.node('Gemm', [x, wName, bName], { transB: 1 });
  }

  model(
    name: string,
    doc: string,
    inputs: Array<[string, Dim[]]>,
    outputs: Array<[string, Dim[], string]>,
  ): Uint8Array {
    // Rename the producing nodes' outputs to the public output names.
    for (const [outName, , produced] of outputs) {
      for (const n of this.nodes) {
        n.output = n.output.map((o) => (o === produced ? outName : o));
        n.input = n.input.map((i) => (i === produced ? outName : i));
      }
    }
    const msg = ModelProto.fromObject({
      ir_version: IR_VERSION,
      producer_name: PRODUCER,
      producer_version: PRODUCER_VERSION,
      domain: 'dev.coral-studio.samples',
      model_version: 1,
      doc_string: doc,
      opset_import: [{ domain: '', version: OPSET }],
      metadata_props: [
        { key: 'coral.flops', value: String(this.macs * 2) },
        { key: 'coral.params', value: String(this.params) },
      ],
      graph: {
        name,
        node: this.nodes,
        initializer: this.inits,
        input: inputs.map(([n, s]) => valueInfo(n, s)),
        output: outputs.map(([n, s]) => valueInfo(n, s)),
      },
    });
    return ModelProto.encode(msg).finish();
  }
}

export interface GeneratedModel {
  file: string;
  title: string;
  description: string;
  bytes: Uint8Array;
  /** Floating-point operations per inference (2 x multiply-accumulates of Conv/Gemm). */
  flops: number;
  params: number;
  sha256: string;
}

function classifier(seed: number, name: string): GraphBuilder & { out: string } {
  const g = new GraphBuilder(mulberry32(seed));
  let s: Chw = [3, 64, 64];
  let x = 'input';
  [x, s] = g.conv(x, s, 8, 3, 2, 'relu');
  [x, s] = g.conv(x, s, 16, 3, 2, 'relu');
  x = g.node('GlobalAveragePool', [x]);
  x = g.node('Flatten', [x], { axis: 1 });
  x = g.gemm(x, s[0], 10);
  const out = g.node('Softmax', [x], { axis: -1 }, name);
  return Object.assign(g, { out });
}

function detector(seed: number): GraphBuilder & { out: string } {
  const g = new GraphBuilder(mulberry32(seed));
  let s: Chw = [3, 640, 640];
  let x = 'images';
  const residual = (input: string, shape: Chw): [string, Chw] => {
    const [y] = g.conv(input, shape, shape[0], 3);
    return [g.node('Add', [input, y]), shape];
  };
  // Backbone: stride-2 downsampling convs with residual blocks, as in YOLO-family models.
  [x, s] = g.conv(x, s, 16, 3, 2); // 320
  [x, s] = g.conv(x, s, 32, 3, 2); // 160
  [x, s] = g.conv(x, s, 64, 3, 2); // 80
  [x, s] = residual(x, s);
  const p3: [string, Chw] = [x, s];
  [x, s] = g.conv(x, s, 96, 3, 2); // 40
  [x, s] = residual(x, s);
  const p4: [string, Chw] = [x, s];
  [x, s] = g.conv(x, s, 128, 3, 2); // 20
  // SPPF: 1x1, three chained 5x5 max-pools, concat, 1x1.
  const [sp] = g.conv(x, s, 64, 1);
  const m1 = g.node('MaxPool', [sp], { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] });
  const m2 = g.node('MaxPool', [m1], { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] });
  const m3 = g.node('MaxPool', [m2], { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] });
  const cat = g.node('Concat', [sp, m1, m2, m3], { axis: 1 });
  const p5 = g.conv(cat, [256, s[1], s[2]], 128, 1);
  // Top-down path (FPN): upsample, add the lateral feature, fuse.
  const scales = g.constFloat('up_scales', [1, 1, 2, 2]);
  const up = (input: string): string => g.node('Resize', [input, '', scales], { mode: 'nearest' });
  const [l5] = g.conv(p5[0], p5[1], p4[1][0], 1);
  const n4 = g.conv(g.node('Add', [up(l5), p4[0]]), p4[1], 96, 3);
  const [l4] = g.conv(n4[0], n4[1], p3[1][0], 1);
  const n3 = g.conv(g.node('Add', [up(l4), p3[0]]), p3[1], 64, 1);
  // Heads: 4 box + 80 class channels per cell at strides 8, 16, 32 → 6400 + 1600 + 400 cells.
  const flat = g.constInt64('head_shape', [1, 84, -1]);
  const head = (f: [string, Chw], stem: boolean): string => {
    let y = f;
    if (stem) y = g.conv(f[0], f[1], 64, 3);
    const [o] = g.conv(y[0], y[1], 84, 1, 1, 'none');
    return g.node('Reshape', [o, flat]);
  };
  const heads = [head(n3, false), head(n4, true), head(p5, true)];
  const out = g.node('Concat', heads, { axis: 2 }, 'detections');
  return Object.assign(g, { out });
}

function finish(
  file: string,
  title: string,
  description: string,
  g: GraphBuilder,
  bytes: Uint8Array,
): GeneratedModel {
  return {
    file,
    title,
    description,
    bytes,
    flops: g.macs * 2,
    params: g.params,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Builds every sample model in memory. Pure and deterministic. */
export function buildModels(): GeneratedModel[] {
  const tiny = classifier(1, 'softmax');
  const tinyBytes = tiny.model(
    'tiny_classifier',
    'A tiny image classifier with random weights (Coral Studio sample).',
    [['input', [1, 3, 64, 64]]],
    [['probs', [1, 10], tiny.out]],
  );
  const dyn = classifier(2, 'softmax');
  const dynBytes = dyn.model(
    'dynamic_classifier',
    'The tiny classifier with symbolic batch, height and width (Coral Studio sample).',
    [['input', ['batch', 3, 'height', 'width']]],
    [['probs', ['batch', 10], dyn.out]],
  );
  const det = detector(3);
  const detBytes = det.model(
    'yolo_detector',
    'A YOLO-shaped detector (backbone, SPPF, FPN, 3 heads) with random weights (Coral Studio sample).',
    [['images', [1, 3, 640, 640]]],
    [['output0', [1, 84, 8400], det.out]],
  );
  return [
    finish(
      'tiny-classifier.onnx',
      'Tiny classifier',
      'Image classifier, 1x3x64x64 in, 10 classes out. Runs in well under a millisecond.',
      tiny,
      tinyBytes,
    ),
    finish(
      'dynamic-classifier.onnx',
      'Dynamic classifier',
      'The tiny classifier with symbolic batch, height and width; pick shapes with --shape.',
      dyn,
      dynBytes,
    ),
    finish(
      'yolo-detector.onnx',
      'YOLO-shaped detector',
      'Detector, 1x3x640x640 in, 1x84x8400 out (80 classes, 3 scales), about 2.3 GFLOPs.',
      det,
      detBytes,
    ),
  ];
}

export const MANIFEST_FILE = 'models.json';

export function manifest(models: GeneratedModel[]): string {
  const entries = models.map(({ file, title, description, flops, params, sha256, bytes }) => ({
    file,
    title,
    description,
    flops,
    params,
    size: bytes.length,
    sha256,
  }));
  return `${JSON.stringify({ generator: `${PRODUCER}@${PRODUCER_VERSION}`, models: entries }, null, 2)}\n`;
}

function main(argv: string[]): number {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outIndex = argv.indexOf('--out');
  const outDir =
    outIndex >= 0 ? path.resolve(argv[outIndex + 1]) : path.join(here, '..', 'resources', 'models');
  const check = argv.includes('--check');
  const models = buildModels();
  const files: Array<[string, Uint8Array | string]> = [
    ...models.map((m): [string, Uint8Array] => [m.file, m.bytes]),
    [MANIFEST_FILE, manifest(models)],
  ];
  if (check) {
    const stale = files.filter(([file, data]) => {
      const target = path.join(outDir, file);
      if (!fs.existsSync(target)) return true;
      return !Buffer.from(data).equals(fs.readFileSync(target));
    });
    for (const [file] of stale) console.error(`stale or missing: ${path.join(outDir, file)}`);
    if (stale.length) console.error('Run `npm run models` to regenerate the sample models.');
    return stale.length ? 1 : 0;
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const [file, data] of files) fs.writeFileSync(path.join(outDir, file), data);
  for (const m of models) {
    const gflops = (m.flops / 1e9).toFixed(3);
    console.log(`${m.file}: ${m.bytes.length} bytes, ${m.params} params, ${gflops} GFLOPs`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
