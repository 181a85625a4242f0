// Random-number generators as JS handles, passed to ops whose schema takes `Generator?`.
#pragma once
#include <napi.h>
#include <ATen/core/Generator.h>
#include <string>

namespace medslip {

at::Generator UnwrapGenerator(const Napi::Value& value, const std::string& what);
void InitGenerators(Napi::Env env, Napi::Object exports);

}  // namespace medslip
