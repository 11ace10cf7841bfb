#include "rknn_library.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace rknn {

namespace {

std::mutex g_mutex;
// Libraries stay loaded: contexts may outlive any one JS object, and librknnrt keeps threads.
std::map<std::string, std::shared_ptr<Library>> g_libraries;

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn* out, std::string* error) {
  dlerror();
  void* sym = dlsym(handle, name);
  if (sym == nullptr) {
    const char* why = dlerror();
    *error = std::string("it has no ") + name + (why ? std::string(" (") + why + ")" : std::string());
    return false;
  }
  *out = reinterpret_cast<Fn>(sym);
  return true;
}

}  // namespace

std::shared_ptr<Library> Library::Open(const std::string& path, std::string* error) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto found = g_libraries.find(path);
  if (found != g_libraries.end()) return found->second;

  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *error = why ? why : "dlopen failed";
    return nullptr;
  }
  auto lib = std::make_shared<Library>();
  lib->path = path;
  lib->handle = handle;
  std::string why;
  bool ok = Resolve(handle, "rknn_init", &lib->init, &why) && Resolve(handle, "rknn_destroy", &lib->destroy, &why) &&
            Resolve(handle, "rknn_query", &lib->query, &why) &&
            Resolve(handle, "rknn_inputs_set", &lib->inputs_set, &why) && Resolve(handle, "rknn_run", &lib->run, &why) &&
            Resolve(handle, "rknn_outputs_get", &lib->outputs_get, &why) &&
            Resolve(handle, "rknn_outputs_release", &lib->outputs_release, &why);
  if (!ok) {
    dlclose(handle);
    *error = path + " is not an RKNN runtime: " + why;
    return nullptr;
  }
  std::string ignored;
  Resolve(handle, "rknn_set_core_mask", &lib->set_core_mask, &ignored);
  g_libraries[path] = lib;
  return lib;
}

}  // namespace rknn
