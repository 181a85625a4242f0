// The medslip addon: registers the flat function table of each group, nothing else.
#include <napi.h>
#include <torch/version.h>
#include "tensor.h"
#include "generator.h"
#include <cstdlib>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#if TORCH_VERSION_MAJOR < 1 || (TORCH_VERSION_MAJOR == 1 && TORCH_VERSION_MINOR < 13)
#error "medslip needs libtorch 1.13 or newer"
#endif

namespace medslip {
void InitOps(Napi::Env env, Napi::Object exports);
void InitAutograd(Napi::Env env, Napi::Object exports);
void InitDistributed(Napi::Env env, Napi::Object exports);
}  // namespace medslip

// glibc serves allocations above a (dynamic) threshold with fresh mmap'd pages and returns freed memory to the OS
// early: every large activation then costs page faults on first touch. Three settings keep a training step's
// memory in the heap for reuse (steady over a training run, freed memory held rather than returned):
// - allocations up to 32 MiB from the heap (glibc refuses a larger M_MMAP_THRESHOLD: heap_max_size() / 2);
// - trimming only past 128 MiB of free memory at the top of the heap;
// - 256 MiB of padding per heap extension, so that a step's alloc/free churn does not grow and shrink the heap.
// Measured by `medslip bench memory --size demo` (the demo's training step, one thread): 0.607x the step with
// glibc's defaults (docs/performance.md). MEDSLIP_MALLOC_DEFAULTS=1, or any of glibc's own
// MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ / MALLOC_TOP_PAD_, keep glibc's behaviour.
static void TuneAllocator() {
#if defined(__GLIBC__)
  if (std::getenv("MEDSLIP_MALLOC_DEFAULTS") || std::getenv("MALLOC_MMAP_THRESHOLD_") ||
      std::getenv("MALLOC_TRIM_THRESHOLD_") || std::getenv("MALLOC_TOP_PAD_"))
    return;
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  mallopt(M_TOP_PAD, 256 << 20);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TuneAllocator();
  medslip::InitTensorFunctions(env, exports);
  medslip::InitOps(env, exports);
  medslip::InitAutograd(env, exports);
  medslip::InitGenerators(env, exports);
  medslip::InitDistributed(env, exports);
  return exports;
}

NODE_API_MODULE(medslip, Init)
