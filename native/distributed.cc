// c10d, libtorch's distributed engine: stores (TCPStore, FileStore), the Gloo process group and its collectives
// on tensors. A collective returns a Work at once (Gloo runs it on its own threads); `workWait` gives a Promise
// that settles when it completes, fails or passes its timeout, waiting on the libuv pool so that the event loop
// stays free meanwhile. What to synchronise, when, in which buckets and what to average is decided in
// TypeScript (src/distributed); nothing here has a default.
#include "tensor.h"
#include "args.h"
#include "errors.h"
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/version.h>
#include <chrono>

namespace medslip {
namespace {

using std::chrono::milliseconds;

// libtorch 2.0 split the process group into a dispatching ProcessGroup and one Backend per device type; Gloo
// became a Backend with the same collectives. The group held here is whatever ProcessGroupGloo derives from.
#if TORCH_VERSION_MAJOR >= 2
using GlooGroup = c10d::Backend;
#else
using GlooGroup = c10d::ProcessGroup;
#endif

// A JS object that owns one intrusive_ptr (a store, a process group or a work item).
template <typename T>
class Holder : public Napi::ObjectWrap<Holder<T>> {
 public:
  static Napi::FunctionReference* constructor;
  explicit Holder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Holder<T>>(info) {}
  c10::intrusive_ptr<T> value;
  std::string label;  // what a Work is (the collective's name), for error messages

  static void Define(Napi::Env env, const char* name) {
    constructor = new Napi::FunctionReference(Napi::Persistent(Holder<T>::DefineClass(env, name, {})));
  }
  static Napi::Object Wrap(c10::intrusive_ptr<T> value, std::string label = "") {
    Napi::Object object = constructor->New({});
    Holder<T>* holder = Holder<T>::Unwrap(object);
    holder->value = std::move(value);
    holder->label = std::move(label);
    return object;
  }
  static Holder<T>& From(const Napi::Value& value, const char* what) {
    if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(constructor->Value())) {
      throw Napi::TypeError::New(value.Env(), std::string("Expected a native ") + what);
    }
    return *Holder<T>::Unwrap(value.As<Napi::Object>());
  }
};
template <typename T>
Napi::FunctionReference* Holder<T>::constructor = nullptr;

using StoreHolder = Holder<c10d::Store>;
using GroupHolder = Holder<GlooGroup>;
using WorkHolder = Holder<c10d::Work>;

milliseconds Millis(const Napi::Value& value) { return milliseconds(ToInt(value, "timeout")); }

std::vector<at::Tensor> Tensors(const Napi::Value& value, const char* what) {
  Napi::Array array = value.As<Napi::Array>();
  std::vector<at::Tensor> tensors;
  for (uint32_t i = 0; i < array.Length(); i++) tensors.push_back(TensorTable::Get(array.Get(i), what));
  return tensors;
}

std::vector<std::string> Strings(const Napi::Value& value) {
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> strings;
  for (uint32_t i = 0; i < array.Length(); i++) strings.push_back(ToText(array.Get(i), "a list of strings"));
  return strings;
}

// ---- stores --------------------------------------------------------------------------------------------------

// createFileStore(path, worldSize): a store in a shared file (tests, shared file systems).
Napi::Value CreateFileStore(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "createFileStore", [&]() -> Napi::Value {
    std::string path = ToText(info[0], "path");
    int worldSize = static_cast<int>(ToInt(info[1], "worldSize"));
    return StoreHolder::Wrap(c10::make_intrusive<c10d::FileStore>(path, worldSize));
  });
}

// createTcpStore(host, port, worldSize, isServer, timeoutMs): the server side listens on `port`; clients connect
// to host:port, retrying until timeoutMs. Blocks until connected.
Napi::Value CreateTcpStore(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "createTcpStore", [&]() -> Napi::Value {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(ToInt(info[1], "port"));
    options.numWorkers = static_cast<std::size_t>(ToInt(info[2], "worldSize"));
    options.isServer = info[3].As<Napi::Boolean>().Value();
    options.waitWorkers = false;  // the process group's rendezvous waits for every rank, under its own timeout
    options.timeout = Millis(info[4]);
    return StoreHolder::Wrap(c10::make_intrusive<c10d::TCPStore>(ToText(info[0], "host"), options));
  });
}

Napi::Value StoreSet(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "storeSet", [&]() -> Napi::Value {
    std::string value = ToText(info[2], "value");
    StoreHolder::From(info[0], "store")
        .value->set(ToText(info[1], "key"), std::vector<uint8_t>(value.begin(), value.end()));
    return info.Env().Undefined();
  });
}

// storeGet(store, key) → string; waits for the key up to the store's timeout.
Napi::Value StoreGet(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "storeGet", [&]() -> Napi::Value {
    std::vector<uint8_t> value = StoreHolder::From(info[0], "store").value->get(ToText(info[1], "key"));
    return Napi::String::New(info.Env(), std::string(value.begin(), value.end()));
  });
}

// storeAdd(store, key, delta) → the counter's new value.
Napi::Value StoreAdd(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "storeAdd", [&]() -> Napi::Value {
    int64_t value = StoreHolder::From(info[0], "store").value->add(ToText(info[1], "key"), ToInt(info[2], "amount"));
    return Napi::Number::New(info.Env(), static_cast<double>(value));
  });
}

// storeCheck(store, keys) → whether every key is set (does not wait).
Napi::Value StoreCheck(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "storeCheck", [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), StoreHolder::From(info[0], "store").value->check(Strings(info[1])));
  });
}

Napi::Value StoreSetTimeout(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "storeSetTimeout", [&]() -> Napi::Value {
    StoreHolder::From(info[0], "store").value->setTimeout(Millis(info[1]));
    return info.Env().Undefined();
  });
}

// ---- the Gloo process group ----------------------------------------------------------------------------------

// createProcessGroupGloo(store, rank, size, timeoutMs, device, deviceName): meets the other ranks through the
// store (blocks until all have arrived or timeoutMs passed). device: "interface" (deviceName is a network
// interface), "hostname" (an address to bind) or "default" (this machine's hostname, else loopback).
Napi::Value CreateProcessGroupGloo(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "createProcessGroupGloo", [&]() -> Napi::Value {
    auto store = StoreHolder::From(info[0], "store").value;
    int rank = static_cast<int>(ToInt(info[1], "rank"));
    int size = static_cast<int>(ToInt(info[2], "size"));
    auto options = c10d::ProcessGroupGloo::Options::create(Millis(info[3]));
    std::string device = ToText(info[4], "device");
    std::string name = info[5].IsString() ? info[5].As<Napi::String>().Utf8Value() : "";
    if (device == "interface")
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
    else if (device == "hostname")
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(name));
    else
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = static_cast<int>(options->devices.size()) * 2;  // PyTorch's own choice
    c10::intrusive_ptr<GlooGroup> group = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, options);
    // A process group lives as long as the process (as PyTorch's default group). Its destructor joins Gloo's
    // threads, which wait out the timeout when a peer has died: holding it here keeps a failing process from
    // hanging at exit when the JS object is finalised.
    static auto* keptAlive = new std::vector<c10::intrusive_ptr<GlooGroup>>();
    keptAlive->push_back(group);
    return GroupHolder::Wrap(group);
  });
}

c10d::ReduceOp ReduceOpOf(const Napi::Value& value) {
  std::string name = ToText(value, "reduce op");
  if (name == "sum") return c10d::ReduceOp::SUM;
  if (name == "product") return c10d::ReduceOp::PRODUCT;
  if (name == "min") return c10d::ReduceOp::MIN;
  if (name == "max") return c10d::ReduceOp::MAX;
  throw Napi::RangeError::New(value.Env(), "Unknown reduce op " + name);
}

// allreduce(group, tensors, op) → work: every rank's tensors become the reduction over ranks, in place.
Napi::Value Allreduce(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "allreduce", [&]() -> Napi::Value {
    auto tensors = Tensors(info[1], "allreduce");
    c10d::AllreduceOptions options;
    options.reduceOp = ReduceOpOf(info[2]);
    return WorkHolder::Wrap(GroupHolder::From(info[0], "process group").value->allreduce(tensors, options),
                            "allreduce");
  });
}

// broadcast(group, tensors, rootRank) → work: the root's tensors are copied into every other rank's, in place.
Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "broadcast", [&]() -> Napi::Value {
    auto tensors = Tensors(info[1], "broadcast");
    c10d::BroadcastOptions options;
    options.rootRank = static_cast<int>(ToInt(info[2], "root"));
    return WorkHolder::Wrap(GroupHolder::From(info[0], "process group").value->broadcast(tensors, options),
                            "broadcast");
  });
}

// allgather(group, outputs, input) → work: outputs[r] receives rank r's input (one output per rank).
Napi::Value Allgather(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "allgather", [&]() -> Napi::Value {
    std::vector<std::vector<at::Tensor>> outputs{Tensors(info[1], "allgather")};
    std::vector<at::Tensor> inputs{TensorTable::Get(info[2], "allgather")};
    return WorkHolder::Wrap(GroupHolder::From(info[0], "process group").value->allgather(outputs, inputs), "allgather");
  });
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "barrier", [&]() -> Napi::Value {
    return WorkHolder::Wrap(GroupHolder::From(info[0], "process group").value->barrier(), "barrier");
  });
}

// ---- waiting on work -----------------------------------------------------------------------------------------

class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, c10::intrusive_ptr<c10d::Work> work, std::string label, milliseconds timeout)
      : Napi::AsyncWorker(env),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        label_(std::move(label)),
        timeout_(timeout) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      work_->wait(timeout_);
    } catch (const c10::Error& e) {
      SetError(label_ + ": " + e.what_without_backtrace());
    } catch (const std::exception& e) {
      SetError(label_ + ": " + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  c10::intrusive_ptr<c10d::Work> work_;
  std::string label_;
  milliseconds timeout_;
};

// workWait(work, timeoutMs) → Promise<void>: rejects with "<collective>: <reason>" on failure or timeout.
Napi::Value WorkWait(const Napi::CallbackInfo& info) {
  WorkHolder& holder = WorkHolder::From(info[0], "work");
  auto* worker = new WaitWorker(info.Env(), holder.value, holder.label, Millis(info[1]));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value WorkIsCompleted(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), WorkHolder::From(info[0], "work").value->isCompleted());
}

}  // namespace

void InitDistributed(Napi::Env env, Napi::Object exports) {
  StoreHolder::Define(env, "NativeStore");
  GroupHolder::Define(env, "NativeProcessGroup");
  WorkHolder::Define(env, "NativeWork");
  exports.Set("createFileStore", Napi::Function::New(env, CreateFileStore));
  exports.Set("createTcpStore", Napi::Function::New(env, CreateTcpStore));
  exports.Set("storeSet", Napi::Function::New(env, StoreSet));
  exports.Set("storeGet", Napi::Function::New(env, StoreGet));
  exports.Set("storeAdd", Napi::Function::New(env, StoreAdd));
  exports.Set("storeCheck", Napi::Function::New(env, StoreCheck));
  exports.Set("storeSetTimeout", Napi::Function::New(env, StoreSetTimeout));
  exports.Set("createProcessGroupGloo", Napi::Function::New(env, CreateProcessGroupGloo));
  exports.Set("allreduce", Napi::Function::New(env, Allreduce));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast));
  exports.Set("allgather", Napi::Function::New(env, Allgather));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("workWait", Napi::Function::New(env, WorkWait));
  exports.Set("workIsCompleted", Napi::Function::New(env, WorkIsCompleted));
}

}  // namespace medslip
