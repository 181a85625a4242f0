// The medslip addon: registers the flat function table of each group, nothing else.
#include <napi.h>
#include <torch/version.h>
#include "tensor.h"
#include "generator.h"

#if TORCH_VERSION_MAJOR < 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR < 13)
#error "medslip needs libtorch 1.13 or newer"
#endif

namespace medslip {
void InitOps(Napi::Env env, Napi::Object exports);
void InitAutograd(Napi::Env env, Napi::Object exports);
}  // namespace medslip

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  medslip::InitTensorFunctions(env, exports);
  medslip::InitOps(env, exports);
  medslip::InitAutograd(env, exports);
  medslip::InitGenerators(env, exports);
  return exports;
}

NODE_API_MODULE(medslip, Init)
