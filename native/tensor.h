// Native tensors live in a table; JS holds plain integer handles (slot numbers). A handle costs no JS object
// and no GC finalizer: Node defers native finalizers to a later event-loop turn, so a synchronous training
// loop that created one wrapped object per op would pile them up. Release is explicit (`dispose`, scopes in
// TS), with a FinalizationRegistry in TS as the last resort. Live tensors and the bytes they reference are
// counted and reported to V8 as external memory.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>
#include <cstdint>
#include <vector>

namespace medslip {

class TensorTable {
 public:
  // Stores a tensor and returns its handle (an undefined tensor gives -1).
  static int64_t Add(Napi::Env env, const at::Tensor& tensor);
  // The tensor behind a handle; throws a TypeError naming `what` for a non-handle or a released handle.
  static at::Tensor& Get(const Napi::Value& value, const char* what);
  static at::Tensor& Get(const Napi::Value& value, const std::string& what) { return Get(value, what.c_str()); }
  static void Release(Napi::Env env, int64_t handle);
  static bool IsLive(int64_t handle);
  static int64_t liveTensors;
  static int64_t liveBytes;

 private:
  static std::vector<at::Tensor> slots_;
  static std::vector<int64_t> bytes_;
  static std::vector<int64_t> free_;
};

// JS value for a tensor result: its handle, or null for an undefined tensor.
Napi::Value WrapTensor(Napi::Env env, const at::Tensor& tensor);

void InitTensorFunctions(Napi::Env env, Napi::Object exports);

}  // namespace medslip
