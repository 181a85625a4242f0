// One way to read a JS argument in the addon: checked, with the argument named in the TypeError ("Expected an
// integer for port"), instead of an unchecked As<Napi::Number>() that reads garbage from a wrong type.
#pragma once
#include <napi.h>
#include <cstdint>
#include <string>

namespace medslip {

// Numbers, BigInts and booleans (true → 1), as ATen's int arguments accept them.
inline int64_t ToInt(const Napi::Value& value, const std::string& what) {
  if (value.IsNumber()) return value.As<Napi::Number>().Int64Value();
  if (value.IsBigInt()) {
    bool lossless;
    return value.As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (value.IsBoolean()) return value.As<Napi::Boolean>().Value() ? 1 : 0;
  throw Napi::TypeError::New(value.Env(), "Expected an integer for " + what);
}

inline double ToDouble(const Napi::Value& value, const std::string& what) {
  if (value.IsNumber()) return value.As<Napi::Number>().DoubleValue();
  if (value.IsBigInt()) return static_cast<double>(ToInt(value, what));
  throw Napi::TypeError::New(value.Env(), "Expected a number for " + what);
}

inline std::string ToText(const Napi::Value& value, const std::string& what) {
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  throw Napi::TypeError::New(value.Env(), "Expected a string for " + what);
}

}  // namespace medslip
