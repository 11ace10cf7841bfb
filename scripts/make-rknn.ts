/**
 * Builds realistic `.rknn` container files for tests and demos: the header layout rknn-toolkit2
 * writes (container version 6, 40 reserved bytes), a deterministic flatbuffer-like data block,
 * and metadata JSON shaped like the toolkit's (graph + norm_tensor + target_platform).
 * There is no compiled NPU program inside: a real librknnrt would refuse it; the test double in
 * test/fixtures/rknn-fake accepts it.
 *
 *   node --import tsx scripts/make-rknn.ts OUT.rknn [--target rk3588] [--toolkit 2.3.0] [--data-size 4096]
 */
import fs from 'node:fs';
import path from 'node:path';

export interface TensorSpec {
  name: string;
  dims: number[];
  /** vx_type as the toolkit writes it: int8, uint8, float16, float32. */
  dtype?: string;
  qnt?: 'layer' | 'channel' | 'none';
}

export interface RknnFileOptions {
  containerVersion?: number;
  /** Size of the compiled-model block in bytes. */
  dataSize?: number;
  dataFormat?: 'flatbuffers' | 'openvx';
  seed?: number;
  toolkitVersion?: string;
  targetPlatform?: string[];
  name?: string;
  framework?: string;
  inputs?: TensorSpec[];
  outputs?: TensorSpec[];
  /** Extra top-level JSON keys (e.g. `fake_fail` for the fake runtime). */
  extra?: Record<string, unknown>;
  /** Replace the whole metadata document (for odd-shape tests). */
  metadata?: Record<string, unknown> | string;
}

const DEFAULT_INPUTS: TensorSpec[] = [
  { name: 'images', dims: [1, 3, 640, 640], dtype: 'int8', qnt: 'layer' },
];
const DEFAULT_OUTPUTS: TensorSpec[] = [
  { name: 'output0', dims: [1, 255, 80, 80], dtype: 'int8', qnt: 'layer' },
  { name: '286', dims: [1, 255, 40, 40], dtype: 'int8', qnt: 'layer' },
  { name: '288', dims: [1, 255, 20, 20], dtype: 'int8', qnt: 'layer' },
];

/** The metadata JSON document rknn-toolkit2 writes after the model data. */
export function rknnMetadata(o: RknnFileOptions = {}): Record<string, unknown> {
  const inputs = o.inputs ?? DEFAULT_INPUTS;
  const outputs = o.outputs ?? DEFAULT_OUTPUTS;
  const tensors = [...inputs, ...outputs];
  const norm_tensor = tensors.map((t, id) => ({
    dim_num: t.dims.length,
    dtype:
      t.qnt === 'none' || !t.qnt
        ? { qnt_type: 'none', vx_type: t.dtype ?? 'float16' }
        : { qnt_method: t.qnt, qnt_type: t.dtype ?? 'int8', vx_type: t.dtype ?? 'int8' },
    size: t.dims,
    tensor_id: id,
    url: t.name,
  }));
  const link = (left: 'input' | 'output', slot: number, id: number) => ({
    left,
    left_tensor_id: slot,
    right: 'norm_tensor',
    right_tensor_id: id,
  });
  const graph = [
    ...inputs.map((_, i) => link('input', i, i)),
    ...outputs.map((_, i) => link('output', i, inputs.length + i)),
  ];
  return {
    connection: graph.map((g) => ({
      left: g.left,
      left_tensor_id: g.left_tensor_id,
      node_id: 0,
      right_tensor: { tensor_id: g.right_tensor_id, type: 'norm_tensor' },
    })),
    const_tensor: [],
    graph,
    input_num: inputs.length,
    name: o.name ?? 'rknn model',
    network_platform: o.framework ?? 'ONNX',
    node_num: 1,
    nodes: [
      {
        input_num: inputs.length,
        lid: 'npu_network_bin_graph',
        name: 'nnbg',
        nn: { nbg: { type: 'RKNN_OP_NNBG' } },
        op: 'RKNN_OP_NNBG',
        output_num: outputs.length,
        uid: 0,
      },
    ],
    norm_tensor,
    norm_tensor_num: norm_tensor.length,
    ori_network_platform: o.framework ?? 'ONNX',
    output_num: outputs.length,
    target_platform: o.targetPlatform ?? ['rk3588'],
    version: o.toolkitVersion ?? '2.3.0+81f21f4d',
    virtual_tensor: [],
    ...o.extra,
  };
}

/** Deterministic bytes (xorshift32) so fixtures are reproducible. */
function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export function buildRknnFile(o: RknnFileOptions = {}): Buffer {
  const version = o.containerVersion ?? 6;
  const dataSize = o.dataSize ?? 4096;
  const data = pseudoRandom(dataSize, o.seed ?? 1);
  if (o.dataFormat === 'openvx') data.write('VPMN', 0, 'latin1');
  else if (dataSize >= 8) {
    data.writeUInt32LE(16, 0); // flatbuffer root table offset
    data.write('RKNN', 4, 'latin1'); // flatbuffer file identifier
  }
  const meta = o.metadata ?? rknnMetadata(o);
  const json = Buffer.from(typeof meta === 'string' ? meta : JSON.stringify(meta), 'utf8');
  const header = [Buffer.from('RKNN\0\0\0\0', 'latin1'), u64(version), u64(dataSize)];
  if ((version & 0xff) >= 2) header.push(Buffer.alloc(40));
  return Buffer.concat([...header, data, u64(json.length), json]);
}

function main(argv: string[]): void {
  const out = argv[0];
  if (!out || out.startsWith('-')) {
    process.stderr.write(
      'usage: make-rknn.ts OUT.rknn [--target rk3588] [--toolkit 2.3.0] [--data-size N]\n',
    );
    process.exitCode = 2;
    return;
  }
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const target = opt('--target');
  const toolkit = opt('--toolkit');
  const size = opt('--data-size');
  const file = buildRknnFile({
    ...(target ? { targetPlatform: target.split(',') } : {}),
    ...(toolkit ? { toolkitVersion: toolkit } : {}),
    ...(size ? { dataSize: Number(size) } : {}),
  });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, file);
  process.stdout.write(`${out}: ${file.length} bytes\n`);
}

if (process.argv[1] && /make-rknn\.ts$/.test(process.argv[1])) main(process.argv.slice(2));
