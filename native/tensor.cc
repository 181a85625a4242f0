// Tensor handles: create from / export to typed arrays, metadata, dispose, live counters.
#include "tensor.h"
#include "args.h"
#include "errors.h"
#include <cstring>
#include <torch/csrc/autograd/function.h>

namespace medslip {

std::vector<at::Tensor> TensorTable::slots_;
std::vector<int64_t> TensorTable::bytes_;
std::vector<int64_t> TensorTable::free_;
int64_t TensorTable::liveTensors = 0;
int64_t TensorTable::liveBytes = 0;

int64_t TensorTable::Add(Napi::Env env, const at::Tensor& tensor) {
  if (!tensor.defined()) return -1;
  int64_t bytes = static_cast<int64_t>(tensor.numel() * tensor.element_size());
  int64_t handle;
  if (!free_.empty()) {
    handle = free_.back();
    free_.pop_back();
    slots_[handle] = tensor;
    bytes_[handle] = bytes;
  } else {
    handle = static_cast<int64_t>(slots_.size());
    slots_.push_back(tensor);
    bytes_.push_back(bytes);
  }
  liveTensors++;
  liveBytes += bytes;
  Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  return handle;
}

bool TensorTable::IsLive(int64_t handle) {
  return handle >= 0 && handle < static_cast<int64_t>(slots_.size()) && slots_[handle].defined();
}

at::Tensor& TensorTable::Get(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), std::string("Expected a tensor for ") + what);
  int64_t handle = value.As<Napi::Number>().Int64Value();
  if (!IsLive(handle)) throw Napi::Error::New(value.Env(), std::string("Tensor used after dispose() for ") + what);
  return slots_[handle];
}

void TensorTable::Release(Napi::Env env, int64_t handle) {
  if (!IsLive(handle)) return;
  slots_[handle].reset();
  liveTensors--;
  liveBytes -= bytes_[handle];
  Napi::MemoryManagement::AdjustExternalMemory(env, -bytes_[handle]);
  bytes_[handle] = 0;
  free_.push_back(handle);
}

Napi::Value WrapTensor(Napi::Env env, const at::Tensor& tensor) {
  if (!tensor.defined()) return env.Null();
  return Napi::Number::New(env, static_cast<double>(TensorTable::Add(env, tensor)));
}

namespace {

std::vector<int64_t> ToShape(const Napi::Value& value) {
  Napi::Array array = value.As<Napi::Array>();
  std::vector<int64_t> shape(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) shape[i] = ToInt(array.Get(i), "shape");
  return shape;
}

Napi::Array FromVector(Napi::Env env, c10::IntArrayRef values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); i++) array.Set(i, Napi::Number::New(env, static_cast<double>(values[i])));
  return array;
}

// fromTypedArray(typedArray, shape, scalarType): copies the array's bytes into a new CPU tensor.
Napi::Value FromTypedArray(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "fromTypedArray", [&]() -> Napi::Value {
    Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    std::vector<int64_t> shape = ToShape(info[1]);
    auto scalarType = static_cast<at::ScalarType>(ToInt(info[2], "dtype"));
    at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(scalarType));
    size_t bytes = tensor.numel() * tensor.element_size();
    if (bytes != array.ByteLength()) {
      throw Napi::RangeError::New(env, "fromTypedArray: " + std::to_string(array.ByteLength()) +
                                           " bytes do not fill shape of " + std::to_string(bytes) + " bytes");
    }
    uint8_t* source = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    if (bytes > 0) std::memcpy(tensor.data_ptr(), source, bytes);
    return WrapTensor(env, tensor);
  });
}

// toBuffer(handle): a new ArrayBuffer holding the tensor's values (contiguous, on the CPU).
Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "toBuffer", [&]() -> Napi::Value {
    at::Tensor tensor = TensorTable::Get(info[0], "toBuffer").detach().to(at::kCPU).contiguous();
    size_t bytes = tensor.numel() * tensor.element_size();
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, bytes);
    if (bytes > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), bytes);
    return buffer;
  });
}

// info(handle) → [shape, scalarType, device, requiresGrad]: one call for what the TS Tensor caches.
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& tensor = TensorTable::Get(info[0], "info");
  Napi::Array result = Napi::Array::New(env, 4);
  result.Set(0u, FromVector(env, tensor.sizes()));
  result.Set(1u, Napi::Number::New(env, static_cast<int>(tensor.scalar_type())));
  result.Set(2u, Napi::String::New(env, tensor.device().str()));
  result.Set(3u, Napi::Boolean::New(env, tensor.requires_grad()));
  return result;
}

Napi::Value Strides(const Napi::CallbackInfo& info) {
  return FromVector(info.Env(), TensorTable::Get(info[0], "strides").strides());
}

Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), TensorTable::Get(info[0], "isContiguous").is_contiguous());
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), TensorTable::Get(info[0], "isLeaf").is_leaf());
}

Napi::Value GradFnName(const Napi::CallbackInfo& info) {
  at::Tensor& tensor = TensorTable::Get(info[0], "gradFn");
  const auto& fn = tensor.grad_fn();
  if (!fn) return info.Env().Null();
  return Napi::String::New(info.Env(), fn->name());
}

// item(handle) → number (bool → 0/1): reads one value; a sync point on a GPU.
Napi::Value Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "item", [&]() -> Napi::Value {
    at::Tensor& tensor = TensorTable::Get(info[0], "item");
    c10::Scalar value = tensor.item();
    if (value.isBoolean()) return Napi::Number::New(env, value.toBool() ? 1 : 0);
    if (value.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(value.toLong()));
    return Napi::Number::New(env, value.toDouble());
  });
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  if (info[0].IsNumber()) TensorTable::Release(info.Env(), info[0].As<Napi::Number>().Int64Value());
  return info.Env().Undefined();
}

Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  bool live = info[0].IsNumber() && TensorTable::IsLive(info[0].As<Napi::Number>().Int64Value());
  return Napi::Boolean::New(info.Env(), !live);
}

// sameTensor(a, b): whether two handles reference the same TensorImpl (in-place ops return self).
Napi::Value SameTensor(const Napi::CallbackInfo& info) {
  at::Tensor& a = TensorTable::Get(info[0], "sameTensor");
  at::Tensor& b = TensorTable::Get(info[1], "sameTensor");
  return Napi::Boolean::New(info.Env(), a.unsafeGetTensorImpl() == b.unsafeGetTensorImpl());
}

Napi::Value Counters(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("tensors", Napi::Number::New(env, static_cast<double>(TensorTable::liveTensors)));
  result.Set("bytes", Napi::Number::New(env, static_cast<double>(TensorTable::liveBytes)));
  return result;
}

}  // namespace

void InitTensorFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("fromTypedArray", Napi::Function::New(env, FromTypedArray));
  exports.Set("toBuffer", Napi::Function::New(env, ToBuffer));
  exports.Set("info", Napi::Function::New(env, Info));
  exports.Set("strides", Napi::Function::New(env, Strides));
  exports.Set("isContiguous", Napi::Function::New(env, IsContiguous));
  exports.Set("isLeaf", Napi::Function::New(env, IsLeaf));
  exports.Set("gradFn", Napi::Function::New(env, GradFnName));
  exports.Set("item", Napi::Function::New(env, Item));
  exports.Set("dispose", Napi::Function::New(env, Dispose));
  exports.Set("isDisposed", Napi::Function::New(env, IsDisposed));
  exports.Set("sameTensor", Napi::Function::New(env, SameTensor));
  exports.Set("counters", Napi::Function::New(env, Counters));
}

}  // namespace medslip
