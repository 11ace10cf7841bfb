// coral_rknn: a Node-API addon over librknnrt, loaded with dlopen at run time.
//
//   openLibrary(path)                      -> { path, hasSetCoreMask }   (throws RKNN_LIBRARY_LOAD_FAILED)
//   new Context(libraryPath, model, flags) -> model is a file path (string) or the model bytes
//   ctx.query()        -> { sdkVersion, driverVersion, inputs[], outputs[], memory }
//   ctx.perfRun()      -> microseconds of the last rknn_run (RKNN_QUERY_PERF_RUN)
//   ctx.setCoreMask(m)
//   ctx.run(inputs, { wantFloat }) -> { outputs: [{ index, data: Buffer, size }], runMs }
//   ctx.destroy()      -> idempotent; any later call throws RKNN_CONTEXT_DESTROYED
//
// Errors from the runtime carry `code` (RKNN_ERR_* name), `rknnCode` (the int) and `api`.
// Output tensors are copied into buffers V8 allocates (Napi::Buffer::Copy): Electron's V8
// memory cage forbids wrapping memory that the runtime owns.
#include <napi.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "rknn_library.h"

namespace {

const char* ErrorName(int code) {
  switch (code) {
    case -1: return "RKNN_ERR_FAIL";
    case -2: return "RKNN_ERR_TIMEOUT";
    case -3: return "RKNN_ERR_DEVICE_UNAVAILABLE";
    case -4: return "RKNN_ERR_MALLOC_FAIL";
    case -5: return "RKNN_ERR_PARAM_INVALID";
    case -6: return "RKNN_ERR_MODEL_INVALID";
    case -7: return "RKNN_ERR_CTX_INVALID";
    case -8: return "RKNN_ERR_INPUT_INVALID";
    case -9: return "RKNN_ERR_OUTPUT_INVALID";
    case -10: return "RKNN_ERR_DEVICE_UNMATCH";
    case -11: return "RKNN_ERR_INCOMPATILE_PRE_COMPILE_MODEL";
    case -12: return "RKNN_ERR_INCOMPATILE_OPTIMIZATION_LEVEL_VERSION";
    case -13: return "RKNN_ERR_TARGET_PLATFORM_UNMATCH";
    default: return "RKNN_ERR_UNKNOWN";
  }
}

const char* TypeName(int t) {
  static const char* names[] = {"FP32",  "FP16",   "INT8",  "UINT8", "INT16", "UINT16",
                                "INT32", "UINT32", "INT64", "BOOL",  "INT4",  "BF16"};
  return t >= 0 && t < 12 ? names[t] : "UNKNOW";
}

const char* FormatName(int f) {
  static const char* names[] = {"NCHW", "NHWC", "NC1HWC2", "UNDEFINED"};
  return f >= 0 && f < 4 ? names[f] : "UNKNOW";
}

const char* QntName(int q) {
  static const char* names[] = {"NONE", "DFP", "AFFINE"};
  return q >= 0 && q < 3 ? names[q] : "UNKNOW";
}

Napi::Error CodedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

Napi::Error RknnError(Napi::Env env, const char* api, int ret) {
  std::string message = std::string(api) + " failed with " + ErrorName(ret) + " (" + std::to_string(ret) + ")";
  Napi::Error e = CodedError(env, ErrorName(ret), message);
  e.Set("rknnCode", Napi::Number::New(env, ret));
  e.Set("api", Napi::String::New(env, api));
  return e;
}

std::string FixedString(const char* s, size_t max) { return std::string(s, strnlen(s, max)); }

Napi::Object AttrObject(Napi::Env env, const rknn::TensorAttr& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", a.index);
  o.Set("name", FixedString(a.name, sizeof(a.name)));
  uint32_t n = a.n_dims > rknn::kMaxDims ? rknn::kMaxDims : a.n_dims;
  Napi::Array dims = Napi::Array::New(env, n);
  for (uint32_t i = 0; i < n; i++) dims.Set(i, a.dims[i]);
  o.Set("nDims", a.n_dims);
  o.Set("dims", dims);
  o.Set("nElems", a.n_elems);
  o.Set("size", a.size);
  o.Set("fmt", FormatName(a.fmt));
  o.Set("type", TypeName(a.type));
  o.Set("qntType", QntName(a.qnt_type));
  o.Set("fmtCode", a.fmt);
  o.Set("typeCode", a.type);
  o.Set("zp", a.zp);
  o.Set("scale", a.scale);
  o.Set("wStride", a.w_stride);
  o.Set("sizeWithStride", a.size_with_stride);
  o.Set("hStride", a.h_stride);
  o.Set("passThrough", a.pass_through != 0);
  return o;
}

// Bytes of a Buffer / TypedArray / DataView / ArrayBuffer argument, without copying.
bool BytesOf(Napi::Value v, uint8_t** data, size_t* size) {
  if (v.IsTypedArray()) {
    Napi::TypedArray ta = v.As<Napi::TypedArray>();
    *data = static_cast<uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    *size = ta.ByteLength();
    return true;
  }
  if (v.IsDataView()) {
    Napi::DataView dv = v.As<Napi::DataView>();
    *data = static_cast<uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    *size = dv.ByteLength();
    return true;
  }
  if (v.IsArrayBuffer()) {
    Napi::ArrayBuffer ab = v.As<Napi::ArrayBuffer>();
    *data = static_cast<uint8_t*>(ab.Data());
    *size = ab.ByteLength();
    return true;
  }
  return false;
}

class Context : public Napi::ObjectWrap<Context> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Context",
                       {
                           InstanceMethod("query", &Context::Query),
                           InstanceMethod("perfRun", &Context::PerfRun),
                           InstanceMethod("setCoreMask", &Context::SetCoreMask),
                           InstanceMethod("run", &Context::Run),
                           InstanceMethod("destroy", &Context::Destroy),
                           InstanceAccessor("destroyed", &Context::IsDestroyed, nullptr),
                           InstanceAccessor("inputCount", &Context::InputCount, nullptr),
                           InstanceAccessor("outputCount", &Context::OutputCount, nullptr),
                       });
  }

  explicit Context(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Context>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString()) {
      throw Napi::TypeError::New(env, "new Context(libraryPath, model, flags?): libraryPath must be a string");
    }
    std::string error;
    lib_ = rknn::Library::Open(info[0].As<Napi::String>().Utf8Value(), &error);
    if (!lib_) throw CodedError(env, "RKNN_LIBRARY_LOAD_FAILED", error);
    uint32_t flags = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Uint32Value() : 0;

    int ret;
    rknn::context_t ctx = 0;
    if (info[1].IsString()) {
      std::string path = info[1].As<Napi::String>().Utf8Value();
      // size 0: `model` is a file path (rknn_api.h).
      ret = lib_->init(&ctx, const_cast<char*>(path.c_str()), 0, flags, nullptr);
    } else {
      uint8_t* data = nullptr;
      size_t size = 0;
      if (!BytesOf(info[1], &data, &size)) {
        throw Napi::TypeError::New(env, "new Context: model must be a path or a Buffer/Uint8Array");
      }
      if (size == 0 || size > UINT32_MAX) throw CodedError(env, "RKNN_MODEL_EMPTY", "the model buffer is empty or too large");
      ret = lib_->init(&ctx, data, static_cast<uint32_t>(size), flags, nullptr);
    }
    if (ret < 0) throw RknnError(env, "rknn_init", ret);
    ctx_ = ctx;
    alive_ = true;

    ret = lib_->query(ctx_, rknn::QUERY_IN_OUT_NUM, &io_, sizeof(io_));
    if (ret < 0) {
      Release();
      throw RknnError(env, "rknn_query", ret);
    }
  }

  ~Context() override { Release(); }

 private:
  void Release() {
    if (alive_ && lib_) lib_->destroy(ctx_);
    alive_ = false;
  }

  void CheckAlive(Napi::Env env) const {
    if (!alive_) throw CodedError(env, "RKNN_CONTEXT_DESTROYED", "the RKNN context was destroyed");
  }

  Napi::Value IsDestroyed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !alive_); }
  Napi::Value InputCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), io_.n_input); }
  Napi::Value OutputCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), io_.n_output); }

  rknn::TensorAttr QueryAttr(Napi::Env env, int cmd, uint32_t index) {
    rknn::TensorAttr attr;
    std::memset(&attr, 0, sizeof(attr));
    attr.index = index;
    int ret = lib_->query(ctx_, cmd, &attr, sizeof(attr));
    if (ret < 0) throw RknnError(env, "rknn_query", ret);
    return attr;
  }

  Napi::Value Query(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckAlive(env);
    Napi::Object out = Napi::Object::New(env);

    rknn::SdkVersion sdk;
    std::memset(&sdk, 0, sizeof(sdk));
    if (lib_->query(ctx_, rknn::QUERY_SDK_VERSION, &sdk, sizeof(sdk)) == 0) {
      out.Set("sdkVersion", FixedString(sdk.api_version, sizeof(sdk.api_version)));
      out.Set("driverVersion", FixedString(sdk.drv_version, sizeof(sdk.drv_version)));
    } else {
      out.Set("sdkVersion", env.Null());
      out.Set("driverVersion", env.Null());
    }

    Napi::Array inputs = Napi::Array::New(env, io_.n_input);
    for (uint32_t i = 0; i < io_.n_input; i++) inputs.Set(i, AttrObject(env, QueryAttr(env, rknn::QUERY_INPUT_ATTR, i)));
    Napi::Array outputs = Napi::Array::New(env, io_.n_output);
    for (uint32_t i = 0; i < io_.n_output; i++) {
      outputs.Set(i, AttrObject(env, QueryAttr(env, rknn::QUERY_OUTPUT_ATTR, i)));
    }
    out.Set("inputs", inputs);
    out.Set("outputs", outputs);

    rknn::MemSize mem;
    std::memset(&mem, 0, sizeof(mem));
    if (lib_->query(ctx_, rknn::QUERY_MEM_SIZE, &mem, sizeof(mem)) == 0) {
      Napi::Object m = Napi::Object::New(env);
      m.Set("weight", mem.total_weight_size);
      m.Set("internal", mem.total_internal_size);
      m.Set("dma", static_cast<double>(mem.total_dma_allocated_size));
      m.Set("sram", mem.total_sram_size);
      m.Set("freeSram", mem.free_sram_size);
      out.Set("memory", m);
    } else {
      out.Set("memory", env.Null());
    }
    return out;
  }

  Napi::Value PerfRun(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckAlive(env);
    rknn::PerfRun perf{0};
    int ret = lib_->query(ctx_, rknn::QUERY_PERF_RUN, &perf, sizeof(perf));
    if (ret < 0) throw RknnError(env, "rknn_query", ret);
    return Napi::Number::New(env, static_cast<double>(perf.run_duration));
  }

  Napi::Value SetCoreMask(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckAlive(env);
    if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setCoreMask(mask): mask must be a number");
    if (!lib_->set_core_mask) {
      throw CodedError(env, "RKNN_CORE_MASK_UNSUPPORTED", lib_->path + " has no rknn_set_core_mask (single-core runtime)");
    }
    int ret = lib_->set_core_mask(ctx_, info[0].As<Napi::Number>().Int32Value());
    if (ret < 0) throw RknnError(env, "rknn_set_core_mask", ret);
    return env.Undefined();
  }

  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckAlive(env);
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "run(inputs): inputs must be an array");
    Napi::Array list = info[0].As<Napi::Array>();
    bool want_float = true;
    if (info.Length() > 1 && info[1].IsObject()) {
      Napi::Object opts = info[1].As<Napi::Object>();
      if (opts.Has("wantFloat")) want_float = opts.Get("wantFloat").ToBoolean().Value();
    }

    std::vector<rknn::Input> inputs(list.Length());
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Value item = list.Get(i);
      if (!item.IsObject()) throw Napi::TypeError::New(env, "run(inputs): input " + std::to_string(i) + " is not an object");
      Napi::Object o = item.As<Napi::Object>();
      uint8_t* data = nullptr;
      size_t size = 0;
      if (!BytesOf(o.Get("data"), &data, &size)) {
        throw Napi::TypeError::New(env, "run(inputs): input " + std::to_string(i) + ".data must be a Buffer or typed array");
      }
      if (!o.Get("type").IsNumber() || !o.Get("fmt").IsNumber()) {
        throw Napi::TypeError::New(env, "run(inputs): input " + std::to_string(i) + " needs numeric type and fmt");
      }
      rknn::Input& in = inputs[i];
      std::memset(&in, 0, sizeof(in));
      in.index = o.Has("index") && o.Get("index").IsNumber() ? o.Get("index").As<Napi::Number>().Uint32Value() : i;
      in.buf = data;
      in.size = static_cast<uint32_t>(size);
      in.pass_through = o.Get("passThrough").ToBoolean().Value() ? 1 : 0;
      in.type = o.Get("type").As<Napi::Number>().Int32Value();
      in.fmt = o.Get("fmt").As<Napi::Number>().Int32Value();
    }

    int ret = lib_->inputs_set(ctx_, static_cast<uint32_t>(inputs.size()), inputs.data());
    if (ret < 0) throw RknnError(env, "rknn_inputs_set", ret);

    auto t0 = std::chrono::steady_clock::now();
    ret = lib_->run(ctx_, nullptr);
    auto t1 = std::chrono::steady_clock::now();
    if (ret < 0) throw RknnError(env, "rknn_run", ret);

    std::vector<rknn::Output> outputs(io_.n_output);
    for (uint32_t i = 0; i < io_.n_output; i++) {
      std::memset(&outputs[i], 0, sizeof(rknn::Output));
      outputs[i].want_float = want_float ? 1 : 0;
      outputs[i].index = i;
    }
    ret = lib_->outputs_get(ctx_, io_.n_output, outputs.data(), nullptr);
    if (ret < 0) throw RknnError(env, "rknn_outputs_get", ret);

    // Release the runtime's buffers whatever happens while copying them.
    struct Releaser {
      rknn::Library* lib;
      rknn::context_t ctx;
      std::vector<rknn::Output>* outs;
      ~Releaser() { lib->outputs_release(ctx, static_cast<uint32_t>(outs->size()), outs->data()); }
    } releaser{lib_.get(), ctx_, &outputs};

    Napi::Array result = Napi::Array::New(env, outputs.size());
    for (uint32_t i = 0; i < outputs.size(); i++) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("index", outputs[i].index);
      o.Set("size", outputs[i].size);
      o.Set("wantFloat", outputs[i].want_float != 0);
      if (outputs[i].buf != nullptr && outputs[i].size > 0) {
        o.Set("data", Napi::Buffer<uint8_t>::Copy(env, static_cast<uint8_t*>(outputs[i].buf), outputs[i].size));
      } else {
        o.Set("data", Napi::Buffer<uint8_t>::New(env, 0));
      }
      result.Set(i, o);
    }
    Napi::Object out = Napi::Object::New(env);
    out.Set("outputs", result);
    out.Set("runMs", std::chrono::duration<double, std::milli>(t1 - t0).count());
    return out;
  }

  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  std::shared_ptr<rknn::Library> lib_;
  rknn::context_t ctx_ = 0;
  bool alive_ = false;
  rknn::InputOutputNum io_{0, 0};
};

Napi::Value OpenLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "openLibrary(path): path must be a string");
  std::string error;
  auto lib = rknn::Library::Open(info[0].As<Napi::String>().Utf8Value(), &error);
  if (!lib) throw CodedError(env, "RKNN_LIBRARY_LOAD_FAILED", error);
  Napi::Object out = Napi::Object::New(env);
  out.Set("path", lib->path);
  out.Set("hasSetCoreMask", lib->set_core_mask != nullptr);
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Context", Context::Define(env));
  exports.Set("openLibrary", Napi::Function::New(env, OpenLibrary, "openLibrary"));
  Napi::Object abi = Napi::Object::New(env);
  abi.Set("tensorAttrSize", static_cast<double>(sizeof(rknn::TensorAttr)));
  abi.Set("contextBits", static_cast<double>(sizeof(rknn::context_t) * 8));
  exports.Set("abi", abi);
  return exports;
}

}  // namespace

NODE_API_MODULE(coral_rknn, Init)
