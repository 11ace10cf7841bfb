import protobuf from 'protobufjs';

/**
 * The subset of the ONNX protobuf schema (onnx/onnx.proto3, IR version ≤ 10) that Coral reads
 * and writes. Field numbers follow the published schema; fields Coral does not need are left
 * out and protobuf skips them when decoding, so files from newer exporters still parse.
 */
const SCHEMA = `
syntax = "proto3";
package onnx;

message StringStringEntryProto { string key = 1; string value = 2; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }

message AttributeProto {
  string name = 1;
  int32 type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}

message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  string name = 8;
  repeated StringStringEntryProto external_data = 13;
  int32 data_location = 14;
  %TENSOR_DATA%
}

message TensorShapeProto {
  message Dimension {
    oneof value { int64 dim_value = 1; string dim_param = 2; }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; }
  message Sequence { TypeProto elem_type = 1; }
  message Map { int32 key_type = 1; TypeProto value_type = 2; }
  message Optional { TypeProto elem_type = 1; }
  oneof value {
    Tensor tensor_type = 1;
    Sequence sequence_type = 4;
    Map map_type = 5;
    Tensor sparse_tensor_type = 8;
    Optional optional_type = 9;
  }
  string denotation = 6;
}

message ValueInfoProto { string name = 1; TypeProto type = 2; string doc_string = 3; }

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

const TENSOR_DATA = `
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  bytes raw_data = 9;`;

/** The full schema, used to write models (scripts/generate-models.ts). */
export const ModelProto = protobuf
  .parse(SCHEMA.replace('%TENSOR_DATA%', TENSOR_DATA), { keepCase: true })
  .root.lookupType('onnx.ModelProto');

/**
 * The reading schema leaves tensor payloads out: protobuf skips a length-delimited field
 * without looking inside, so inspecting a large model costs little beyond reading the file.
 */
export const ModelHeaderProto = protobuf
  .parse(SCHEMA.replace('%TENSOR_DATA%', ''), { keepCase: true })
  .root.lookupType('onnx.ModelProto');

/** TensorProto.DataType numbers → the names onnxruntime uses for tensor types. */
export const ELEMENT_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

export const DataType = { FLOAT: 1, INT64: 7 } as const;
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** protobufjs decodes int64 as Long objects (or numbers); this turns either into a number. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && 'toNumber' in v && typeof v.toNumber === 'function') {
    return (v as { toNumber(): number }).toNumber();
  }
  return Number(v ?? 0);
}

// Plain shapes of the decoded messages (only the fields Coral reads).
export interface OnnxDimension {
  dim_value?: unknown;
  dim_param?: string;
  value?: 'dim_value' | 'dim_param';
}
export interface OnnxTypeProto {
  value?: 'tensor_type' | 'sequence_type' | 'map_type' | 'sparse_tensor_type' | 'optional_type';
  tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDimension[] } };
  sparse_tensor_type?: { elem_type?: number; shape?: { dim?: OnnxDimension[] } };
}
export interface OnnxValueInfo {
  name?: string;
  type?: OnnxTypeProto;
}
export interface OnnxGraph {
  name?: string;
  node?: Array<{ op_type?: string; domain?: string }>;
  initializer?: Array<{
    name?: string;
    dims?: unknown[];
    data_type?: number;
    data_location?: number;
    external_data?: Array<{ key?: string; value?: string }>;
  }>;
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
}
export interface OnnxModel {
  ir_version?: unknown;
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: unknown;
  doc_string?: string;
  graph?: OnnxGraph;
  opset_import?: Array<{ domain?: string; version?: unknown }>;
  metadata_props?: Array<{ key?: string; value?: string }>;
}
