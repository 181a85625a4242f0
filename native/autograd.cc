// Autograd: backward, gradients, requires_grad, and the grad-mode / inference-mode / autocast switches.
#include "tensor.h"
#include "errors.h"
#include <torch/csrc/autograd/autograd.h>
#include <ATen/core/grad_mode.h>
#include <c10/core/InferenceMode.h>
#include <ATen/autocast_mode.h>
#include <memory>
#include <vector>

namespace medslip {
namespace {

// backward(tensors[], grads[] (null = implicit ones for scalars), retainGraph, createGraph)
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "backward", [&]() -> Napi::Value {
    Napi::Array outputs = info[0].As<Napi::Array>();
    Napi::Array grads = info[1].As<Napi::Array>();
    std::vector<at::Tensor> tensors, gradTensors;
    for (uint32_t i = 0; i < outputs.Length(); i++) {
      tensors.push_back(TensorTable::Get(outputs.Get(i), "backward"));
      Napi::Value g = i < grads.Length() ? grads.Get(i) : env.Null();
      gradTensors.push_back(g.IsNull() || g.IsUndefined() ? at::Tensor() : TensorTable::Get(g, "backward gradient"));
    }
    c10::optional<bool> retainGraph;
    if (info[2].IsBoolean()) retainGraph = info[2].As<Napi::Boolean>().Value();
    bool createGraph = info[3].IsBoolean() && info[3].As<Napi::Boolean>().Value();
    torch::autograd::backward(tensors, gradTensors, retainGraph, createGraph);
    return env.Undefined();
  });
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  return WrapTensor(info.Env(), TensorTable::Get(info[0], "grad").grad());
}

// setGrad(tensor, grad | null): null drops the gradient (PyTorch's `zero_grad(set_to_none=True)`).
Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "setGrad", [&]() -> Napi::Value {
    at::Tensor& tensor = TensorTable::Get(info[0], "setGrad");
    if (info[1].IsNull() || info[1].IsUndefined()) {
      tensor.mutable_grad().reset();
    } else {
      tensor.mutable_grad() = TensorTable::Get(info[1], "setGrad gradient");
    }
    return env.Undefined();
  });
}

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "requiresGrad", [&]() -> Napi::Value {
    TensorTable::Get(info[0], "requiresGrad").set_requires_grad(info[1].ToBoolean().Value());
    return env.Undefined();
  });
}

Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "retainGrad", [&]() -> Napi::Value {
    TensorTable::Get(info[0], "retainGrad").retain_grad();
    return env.Undefined();
  });
}

// setGradEnabled(bool) → the previous state; the TS layer restores it in a finally block.
Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(info[0].ToBoolean().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled());
}

// Inference mode is an RAII guard in C++; JS enters and exits it in strict LIFO order (the TS wrapper uses
// try/finally), so the guards live on a stack here.
std::vector<std::unique_ptr<c10::InferenceMode>> inferenceGuards;

Napi::Value EnterInferenceMode(const Napi::CallbackInfo& info) {
  inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(true));
  return info.Env().Undefined();
}

Napi::Value ExitInferenceMode(const Napi::CallbackInfo& info) {
  if (!inferenceGuards.empty()) inferenceGuards.pop_back();
  return info.Env().Undefined();
}

Napi::Value IsInferenceMode(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::InferenceMode::is_enabled());
}

// Autocast (mixed precision) is thread-local dispatch state, entered and exited in LIFO order like inference
// mode: enterAutocast(device, dtypeCode) saves the device's previous state, exitAutocast() restores it and, when
// the outermost region ends, drops the cast weights autocast cached for the region (as torch.autocast does).
struct AutocastState {
  bool cuda;
  bool enabled;
  at::ScalarType dtype;
};
std::vector<AutocastState> autocastStack;

Napi::Value EnterAutocast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "enterAutocast", [&]() -> Napi::Value {
    bool cuda = info[0].As<Napi::String>().Utf8Value() == "cuda";
    auto dtype = static_cast<at::ScalarType>(info[1].As<Napi::Number>().Int32Value());
    if (cuda) {
      autocastStack.push_back({true, at::autocast::is_enabled(), at::autocast::get_autocast_gpu_dtype()});
      at::autocast::set_autocast_gpu_dtype(dtype);
      at::autocast::set_enabled(true);
    } else {
      autocastStack.push_back({false, at::autocast::is_cpu_enabled(), at::autocast::get_autocast_cpu_dtype()});
      at::autocast::set_autocast_cpu_dtype(dtype);
      at::autocast::set_cpu_enabled(true);
    }
    at::autocast::increment_nesting();
    return env.Undefined();
  });
}

Napi::Value ExitAutocast(const Napi::CallbackInfo& info) {
  if (autocastStack.empty()) return info.Env().Undefined();
  AutocastState previous = autocastStack.back();
  autocastStack.pop_back();
  if (previous.cuda) {
    at::autocast::set_enabled(previous.enabled);
    at::autocast::set_autocast_gpu_dtype(previous.dtype);
  } else {
    at::autocast::set_cpu_enabled(previous.enabled);
    at::autocast::set_autocast_cpu_dtype(previous.dtype);
  }
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  return info.Env().Undefined();
}

}  // namespace

void InitAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("backward", Napi::Function::New(env, Backward));
  exports.Set("grad", Napi::Function::New(env, Grad));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad));
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad));
  exports.Set("retainGrad", Napi::Function::New(env, RetainGrad));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled));
  exports.Set("enterInferenceMode", Napi::Function::New(env, EnterInferenceMode));
  exports.Set("exitInferenceMode", Napi::Function::New(env, ExitInferenceMode));
  exports.Set("isInferenceMode", Napi::Function::New(env, IsInferenceMode));
  exports.Set("enterAutocast", Napi::Function::New(env, EnterAutocast));
  exports.Set("exitAutocast", Napi::Function::New(env, ExitAutocast));
}

}  // namespace medslip
