// Turns libtorch and C++ exceptions into JS errors that carry the op name, so a bad shape or dtype is a
// catchable Error in JS and never a crash of the process.
#pragma once
#include <napi.h>
#include <c10/util/Exception.h>
#include <string>

namespace medslip {

// Runs body; rethrows a c10::Error (libtorch) or std::exception as a JS Error "<op>: <message>".
// The TS layer re-wraps it as NativeError with the caller's stack.
template <typename Body>
auto guarded(Napi::Env env, const std::string& op, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, op + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, op + ": " + e.what());
  }
}

}  // namespace medslip
