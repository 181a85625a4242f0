// The native tensor handle: one JS object owning one at::Tensor reference. dispose() drops the reference at
// once (deterministic release); the finalizer does it otherwise. Live handles and the bytes they reference
// are counted and reported to V8 as external memory, so the GC sees native allocations.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <atomic>

namespace medslip {

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static Napi::FunctionReference* constructor;
  static std::atomic<int64_t> liveTensors;
  static std::atomic<int64_t> liveBytes;

  static void Init(Napi::Env env, Napi::Object exports);
  // Wraps a tensor in a new JS handle (an undefined tensor becomes null).
  static Napi::Value Wrap(Napi::Env env, const at::Tensor& tensor);
  // The tensor behind a JS handle; throws a TypeError naming `what` for anything else or a disposed handle.
  static at::Tensor& TensorOf(const Napi::Value& value, const char* what);
  static bool IsHandle(const Napi::Value& value);

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;

  void Set(Napi::Env env, const at::Tensor& tensor);
  void Release(Napi::Env env);
  bool disposed() const { return !tensor_.defined(); }
  at::Tensor tensor_;

 private:
  int64_t accountedBytes_ = 0;
};

void InitTensorFunctions(Napi::Env env, Napi::Object exports);

}  // namespace medslip
