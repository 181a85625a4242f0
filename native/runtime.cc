// Process-wide runtime: seeds and generators, threads, devices, versions and build configuration.
#include "generator.h"
#include "tensor.h"
#include "args.h"
#include "errors.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <dlfcn.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <cstring>

namespace medslip {
namespace {

class GeneratorHandle : public Napi::ObjectWrap<GeneratorHandle> {
 public:
  static Napi::FunctionReference* constructor;
  explicit GeneratorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GeneratorHandle>(info) {}
  at::Generator generator;
};
Napi::FunctionReference* GeneratorHandle::constructor = nullptr;

// createGenerator(seed, device): a new generator (CPU, or CUDA when available) seeded with `seed`.
Napi::Value CreateGenerator(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "createGenerator", [&]() -> Napi::Value {
    uint64_t seed = static_cast<uint64_t>(ToInt(info[0], "seed"));
    std::string device = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "cpu";
    Napi::Object object = GeneratorHandle::constructor->New({});
    auto* handle = Napi::ObjectWrap<GeneratorHandle>::Unwrap(object);
    if (device == "cpu") {
      handle->generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    } else {
      c10::Device d(device);
      handle->generator = at::globalContext().defaultGenerator(d).clone();
      handle->generator.set_current_seed(seed);
    }
    return object;
  });
}

Napi::Value GeneratorSeed(const Napi::CallbackInfo& info) {
  at::Generator generator = UnwrapGenerator(info[0], "generatorSeed");
  uint64_t seed = static_cast<uint64_t>(ToInt(info[1], "seed"));
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(seed);
  return info.Env().Undefined();
}

Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  torch::manual_seed(static_cast<uint64_t>(ToInt(info[0], "seed")));
  return info.Env().Undefined();
}

// getRngState(device): a copy of the default generator's state of `device` (the CPU's, or a CUDA device's), the
// bytes torch.get_rng_state() returns. Dropout draws from it, so a resumed run needs it back to be exact.
Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "getRngState", [&]() -> Napi::Value {
    at::Generator generator = at::globalContext().defaultGenerator(c10::Device(ToText(info[0], "device")));
    at::Tensor state;
    {
      std::lock_guard<std::mutex> lock(generator.mutex());
      state = generator.get_state().contiguous();
    }
    return Napi::Buffer<uint8_t>::Copy(env, state.data_ptr<uint8_t>(), static_cast<size_t>(state.numel()));
  });
}

// setRngState(device, bytes): restores a state from getRngState (libtorch checks its size and content).
Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "setRngState", [&]() -> Napi::Value {
    at::Generator generator = at::globalContext().defaultGenerator(c10::Device(ToText(info[0], "device")));
    Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
    at::Tensor state = at::empty({static_cast<int64_t>(bytes.ByteLength())}, at::kByte);
    std::memcpy(state.data_ptr<uint8_t>(), bytes.Data(), bytes.ByteLength());
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(state);
    return env.Undefined();
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  at::set_num_threads(static_cast<int>(ToInt(info[0], "threads")));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

// synchronize(device): waits until every kernel queued on a CUDA device has finished (what a timer must do before
// it reads the clock: CUDA ops return as soon as they are queued). The CPU runs ops when they are called: a no-op.
Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "synchronize", [&]() -> Napi::Value {
    c10::Device device(ToText(info[0], "device"));
    if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
    return env.Undefined();
  });
}

// tf32() → whether float32 convolutions (cuDNN) and matrix products (cuBLAS) may run in TF32 on GPUs that have it
// (10 mantissa bits instead of 23); setTf32(cudnn, cublas) changes both. libtorch's defaults are PyTorch's.
Napi::Value Tf32(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("cudnn", Napi::Boolean::New(env, at::globalContext().allowTF32CuDNN()));
  result.Set("cublas", Napi::Boolean::New(env, at::globalContext().allowTF32CuBLAS()));
  return result;
}

Napi::Value SetTf32(const Napi::CallbackInfo& info) {
  at::globalContext().setAllowTF32CuDNN(info[0].As<Napi::Boolean>().Value());
  at::globalContext().setAllowTF32CuBLAS(info[1].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

Napi::Value Versions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("libtorch", Napi::String::New(env, TORCH_VERSION));
  result.Set("cudaAvailable", Napi::Boolean::New(env, torch::cuda::is_available()));
  result.Set("cudaDevices", Napi::Number::New(env, static_cast<double>(torch::cuda::device_count())));
  result.Set("mklAvailable", Napi::Boolean::New(env, at::hasMKL()));
  result.Set("openmpAvailable", Napi::Boolean::New(env, at::hasOpenMP()));
  return result;
}

// buildConfig() → libtorch's own description of its build (BLAS, LAPACK, CPU capability) and thread pools.
Napi::Value BuildConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("config", Napi::String::New(env, at::show_config()));
  result.Set("parallel", Napi::String::New(env, at::get_parallel_info()));
  return result;
}

// blasInfo() → which BLAS libtorch's calls land in. OpenBLAS exports its core name and build config; they are
// looked up at run time so that any BLAS links (a missing symbol just means "not OpenBLAS").
Napi::Value BlasInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  using NameFn = char* (*)();
  using IntFn = int (*)();
  auto corename = reinterpret_cast<NameFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  auto config = reinterpret_cast<NameFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  auto threads = reinterpret_cast<IntFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  result.Set("openblas", Napi::Boolean::New(env, corename != nullptr));
  if (corename) result.Set("coreName", Napi::String::New(env, corename()));
  if (config) result.Set("config", Napi::String::New(env, config()));
  if (threads) result.Set("threads", Napi::Number::New(env, threads()));
  return result;
}

// profileStart(path) / profileStop(): libtorch's autograd profiler (legacy, CPU) between the two calls; stop
// writes every recorded operator call to `path` as a Chrome trace (name, start, duration per call). Reading and
// summarising the trace is TypeScript's (src/torch/profiler.ts).
std::unique_ptr<torch::autograd::profiler::RecordProfile> activeProfile;

Napi::Value ProfileStart(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "profileStart", [&]() -> Napi::Value {
    if (activeProfile) throw std::runtime_error("a profile is already being recorded; stop it first");
    activeProfile = std::make_unique<torch::autograd::profiler::RecordProfile>(ToText(info[0], "path"));
    return env.Undefined();
  });
}

Napi::Value ProfileStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "profileStop", [&]() -> Napi::Value {
    if (!activeProfile) throw std::runtime_error("no profile is being recorded");
    activeProfile.reset();  // the destructor writes the trace
    return env.Undefined();
  });
}

// releaseFreeMemory(): hands the allocator's free pages back to the system (glibc malloc_trim(0)); freed tensor
// memory otherwise stays in the process's heap arenas, fragmented. true when something was released; false
// where the C library has no such call.
Napi::Value ReleaseFreeMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

at::Generator UnwrapGenerator(const Napi::Value& value, const std::string& what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(GeneratorHandle::constructor->Value())) {
    throw Napi::TypeError::New(value.Env(), "Expected a generator for " + what);
  }
  return Napi::ObjectWrap<GeneratorHandle>::Unwrap(value.As<Napi::Object>())->generator;
}

void InitGenerators(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = GeneratorHandle::DefineClass(env, "NativeGenerator", {});
  GeneratorHandle::constructor = new Napi::FunctionReference(Napi::Persistent(ctor));
  exports.Set("createGenerator", Napi::Function::New(env, CreateGenerator));
  exports.Set("generatorSeed", Napi::Function::New(env, GeneratorSeed));
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("versions", Napi::Function::New(env, Versions));
  exports.Set("buildConfig", Napi::Function::New(env, BuildConfig));
  exports.Set("blasInfo", Napi::Function::New(env, BlasInfo));
  exports.Set("synchronize", Napi::Function::New(env, Synchronize));
  exports.Set("releaseFreeMemory", Napi::Function::New(env, ReleaseFreeMemory));
  exports.Set("profileStart", Napi::Function::New(env, ProfileStart));
  exports.Set("profileStop", Napi::Function::New(env, ProfileStop));
  exports.Set("tf32", Napi::Function::New(env, Tf32));
  exports.Set("setTf32", Napi::Function::New(env, SetTf32));
}

}  // namespace medslip
