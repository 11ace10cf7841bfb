// librknnrt.so (or librknnmrt.so) opened at run time with dlopen, so the addon builds and loads
// on machines that do not have the library; only opening a context needs it.
#pragma once

#include <memory>
#include <string>

#include "rknn_abi.h"

namespace rknn {

struct Library {
  std::string path;
  void* handle = nullptr;
  InitFn init = nullptr;
  DestroyFn destroy = nullptr;
  QueryFn query = nullptr;
  InputsSetFn inputs_set = nullptr;
  RunFn run = nullptr;
  OutputsGetFn outputs_get = nullptr;
  OutputsReleaseFn outputs_release = nullptr;
  // Optional: single-core runtimes may not export it.
  SetCoreMaskFn set_core_mask = nullptr;

  // Opens (once per path, for the life of the process) and resolves the API. On failure
  // returns null and sets `error` to what dlopen/dlsym said.
  static std::shared_ptr<Library> Open(const std::string& path, std::string* error);
};

}  // namespace rknn
