// The subset of the librknnrt C ABI that Coral uses, declared here so the addon builds on any
// machine without Rockchip's SDK. Layouts, enum values and signatures follow rknn_api.h of
// rknpu2 / rknn-toolkit2 (1.x and 2.x agree on everything below); the static_asserts pin the
// sizes and offsets that the runtime reads, on 64-bit and 32-bit ARM alike.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rknn {

#ifdef __arm__
using context_t = uint32_t;
#else
using context_t = uint64_t;
#endif

constexpr int kMaxDims = 16;
constexpr int kMaxNameLen = 256;

enum QueryCmd : int {
  QUERY_IN_OUT_NUM = 0,
  QUERY_INPUT_ATTR = 1,
  QUERY_OUTPUT_ATTR = 2,
  QUERY_PERF_DETAIL = 3,
  QUERY_PERF_RUN = 4,
  QUERY_SDK_VERSION = 5,
  QUERY_MEM_SIZE = 6,
  QUERY_CUSTOM_STRING = 7,
};

// rknn_tensor_type, rknn_tensor_format, rknn_tensor_qnt_type: plain ints across the ABI.
enum TensorType : int {
  TENSOR_FLOAT32 = 0,
  TENSOR_FLOAT16 = 1,
  TENSOR_INT8 = 2,
  TENSOR_UINT8 = 3,
  TENSOR_INT16 = 4,
  TENSOR_UINT16 = 5,
  TENSOR_INT32 = 6,
  TENSOR_UINT32 = 7,
  TENSOR_INT64 = 8,
  TENSOR_BOOL = 9,
  TENSOR_INT4 = 10,
  TENSOR_BFLOAT16 = 11,
};
enum TensorFormat : int { TENSOR_NCHW = 0, TENSOR_NHWC = 1, TENSOR_NC1HWC2 = 2, TENSOR_UNDEFINED = 3 };
enum QntType : int { QNT_NONE = 0, QNT_DFP = 1, QNT_AFFINE_ASYMMETRIC = 2 };

struct InputOutputNum {
  uint32_t n_input;
  uint32_t n_output;
};

struct TensorAttr {
  uint32_t index;
  uint32_t n_dims;
  uint32_t dims[kMaxDims];
  char name[kMaxNameLen];
  uint32_t n_elems;
  uint32_t size;
  int fmt;
  int type;
  int qnt_type;
  int8_t fl;
  int32_t zp;
  float scale;
  uint32_t w_stride;
  uint32_t size_with_stride;
  uint8_t pass_through;
  uint32_t h_stride;
};

struct PerfRun {
  int64_t run_duration;  // microseconds
};

struct SdkVersion {
  char api_version[256];
  char drv_version[256];
};

struct MemSize {
  uint32_t total_weight_size;
  uint32_t total_internal_size;
  uint64_t total_dma_allocated_size;
  uint32_t total_sram_size;
  uint32_t free_sram_size;
  uint32_t reserved[10];
};

struct Input {
  uint32_t index;
  void* buf;
  uint32_t size;
  uint8_t pass_through;
  int type;
  int fmt;
};

struct Output {
  uint8_t want_float;
  uint8_t is_prealloc;
  uint32_t index;
  void* buf;
  uint32_t size;
};

static_assert(sizeof(InputOutputNum) == 8, "rknn_input_output_num");
static_assert(sizeof(TensorAttr) == 376, "rknn_tensor_attr");
static_assert(offsetof(TensorAttr, name) == 72, "rknn_tensor_attr.name");
static_assert(offsetof(TensorAttr, n_elems) == 328, "rknn_tensor_attr.n_elems");
static_assert(offsetof(TensorAttr, fl) == 348, "rknn_tensor_attr.fl");
static_assert(offsetof(TensorAttr, zp) == 352, "rknn_tensor_attr.zp");
static_assert(offsetof(TensorAttr, scale) == 356, "rknn_tensor_attr.scale");
static_assert(offsetof(TensorAttr, pass_through) == 368, "rknn_tensor_attr.pass_through");
static_assert(offsetof(TensorAttr, h_stride) == 372, "rknn_tensor_attr.h_stride");
static_assert(sizeof(PerfRun) == 8, "rknn_perf_run");
static_assert(sizeof(SdkVersion) == 512, "rknn_sdk_version");
static_assert(sizeof(MemSize) == 64, "rknn_mem_size");
static_assert(offsetof(MemSize, total_dma_allocated_size) == 8, "rknn_mem_size.total_dma_allocated_size");
static_assert(offsetof(Input, buf) == sizeof(void*), "rknn_input.buf");
static_assert(offsetof(Output, index) == 4 && offsetof(Output, buf) == 8, "rknn_output");

// Function types, as exported by librknnrt.so / librknnmrt.so.
using InitFn = int (*)(context_t* context, void* model, uint32_t size, uint32_t flag, void* extend);
using DestroyFn = int (*)(context_t context);
using QueryFn = int (*)(context_t context, int cmd, void* info, uint32_t size);
using InputsSetFn = int (*)(context_t context, uint32_t n_inputs, Input inputs[]);
using RunFn = int (*)(context_t context, void* extend);
using OutputsGetFn = int (*)(context_t context, uint32_t n_outputs, Output outputs[], void* extend);
using OutputsReleaseFn = int (*)(context_t context, uint32_t n_outputs, Output outputs[]);
using SetCoreMaskFn = int (*)(context_t context, int core_mask);

}  // namespace rknn
