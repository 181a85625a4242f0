// Every ATen operator through one generic, schema-driven entry point:
//   opHandle("aten::add", "Tensor") → id        (looked up once, then cached by the TS layer)
//   callOp(id, [arg0, arg1, ...])     → result  (undefined args take the schema's default)
// Arguments are converted from JS according to the operator's schema, the call goes through the dispatcher
// (so autograd, no_grad and device dispatch behave exactly as in PyTorch), and the results are converted back.
// The C++ holds no defaults, no options and no model logic: the TS facade decides what to call.
#include "tensor.h"
#include "args.h"
#include "errors.h"
#include "generator.h"
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <vector>

namespace medslip {
namespace {

std::vector<c10::OperatorHandle> operators;

Napi::Value OpHandle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>();
  std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) {
    throw Napi::Error::New(env, "No libtorch operator " + name + (overload.empty() ? "" : "." + overload));
  }
  operators.push_back(*handle);
  return Napi::Number::New(env, static_cast<double>(operators.size() - 1));
}

c10::Scalar ToScalar(const Napi::Value& value, const std::string& what) {
  if (value.IsBoolean()) return c10::Scalar(value.As<Napi::Boolean>().Value());
  if (value.IsBigInt()) return c10::Scalar(ToInt(value, what));
  if (value.IsNumber()) {
    // JS has one number type: whole numbers become integer scalars, so int tensors stay int.
    double v = value.As<Napi::Number>().DoubleValue();
    if (std::isfinite(v) && v == std::floor(v) && std::abs(v) < 9007199254740992.0) {
      return c10::Scalar(static_cast<int64_t>(v));
    }
    return c10::Scalar(v);
  }
  throw Napi::TypeError::New(value.Env(), "Expected a number or boolean for " + what);
}

c10::IValue ToIValue(const Napi::Value& value, const c10::TypePtr& type, const std::string& what);

template <typename T, typename Convert>
c10::List<T> ToList(const Napi::Value& value, const std::string& what, Convert convert) {
  c10::List<T> list;
  if (!value.IsArray()) {
    list.push_back(convert(value));  // a single value where a list is expected (e.g. kernel size 3)
    return list;
  }
  Napi::Array array = value.As<Napi::Array>();
  list.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) list.push_back(convert(array.Get(i)));
  return list;
}

c10::IValue ToListIValue(const Napi::Value& value, const c10::TypePtr& elementType, const std::string& what) {
  switch (elementType->kind()) {
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      return ToList<int64_t>(value, what, [&](const Napi::Value& v) { return ToInt(v, what); });
    case c10::TypeKind::FloatType:
      return ToList<double>(value, what, [&](const Napi::Value& v) { return ToDouble(v, what); });
    case c10::TypeKind::BoolType:
      return ToList<bool>(value, what, [&](const Napi::Value& v) { return v.ToBoolean().Value(); });
    case c10::TypeKind::TensorType:
      return ToList<at::Tensor>(value, what, [&](const Napi::Value& v) { return TensorTable::Get(v, what.c_str()); });
    case c10::TypeKind::OptionalType: {
      auto inner = elementType->expectRef<c10::OptionalType>().getElementType();
      if (inner->kind() == c10::TypeKind::TensorType) {
        return ToList<c10::optional<at::Tensor>>(value, what, [&](const Napi::Value& v) -> c10::optional<at::Tensor> {
          if (v.IsNull() || v.IsUndefined()) return c10::nullopt;
          return TensorTable::Get(v, what.c_str());
        });
      }
      break;
    }
    default:
      break;
  }
  throw Napi::TypeError::New(value.Env(), "Unsupported list type " + elementType->str() + " for " + what);
}

c10::IValue ToIValue(const Napi::Value& value, const c10::TypePtr& type, const std::string& what) {
  switch (type->kind()) {
    case c10::TypeKind::OptionalType:
      if (value.IsNull() || value.IsUndefined()) return c10::IValue();
      return ToIValue(value, type->expectRef<c10::OptionalType>().getElementType(), what);
    case c10::TypeKind::TensorType:
      return TensorTable::Get(value, what.c_str());
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
    case c10::TypeKind::ScalarTypeType:
    case c10::TypeKind::LayoutType:
    case c10::TypeKind::MemoryFormatType:
      return ToInt(value, what);
    case c10::TypeKind::FloatType:
      return ToDouble(value, what);
    case c10::TypeKind::BoolType:
      return value.ToBoolean().Value();
    case c10::TypeKind::NumberType:
      return ToScalar(value, what);
    case c10::TypeKind::StringType:
      return value.ToString().Utf8Value();
    case c10::TypeKind::DeviceObjType:
      return c10::Device(value.ToString().Utf8Value());
    case c10::TypeKind::GeneratorType:
      return UnwrapGenerator(value, what);
    case c10::TypeKind::ListType:
      return ToListIValue(value, type->expectRef<c10::ListType>().getElementType(), what);
    default:
      throw Napi::TypeError::New(value.Env(), "Unsupported argument type " + type->str() + " for " + what);
  }
}

Napi::Value FromIValue(Napi::Env env, const c10::IValue& value) {
  if (value.isTensor()) return WrapTensor(env, value.toTensor());
  if (value.isNone()) return env.Null();
  if (value.isDouble()) return Napi::Number::New(env, value.toDouble());
  if (value.isInt()) return Napi::Number::New(env, static_cast<double>(value.toInt()));
  if (value.isBool()) return Napi::Boolean::New(env, value.toBool());
  if (value.isString()) return Napi::String::New(env, value.toStringRef());
  if (value.isTensorList()) {
    auto list = value.toTensorList();
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) array.Set(i, WrapTensor(env, list.get(i)));
    return array;
  }
  if (value.isIntList()) {
    auto list = value.toIntList();
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) array.Set(i, Napi::Number::New(env, static_cast<double>(list.get(i))));
    return array;
  }
  if (value.isTuple()) {
    const auto& elements = value.toTupleRef().elements();
    Napi::Array array = Napi::Array::New(env, elements.size());
    for (size_t i = 0; i < elements.size(); i++) array.Set(i, FromIValue(env, elements[i]));
    return array;
  }
  if (value.isList()) {
    auto list = value.toListRef();
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) array.Set(i, FromIValue(env, list[i]));
    return array;
  }
  if (value.isScalar()) {
    c10::Scalar scalar = value.toScalar();
    return Napi::Number::New(env, scalar.isIntegral(false) ? static_cast<double>(scalar.toLong()) : scalar.toDouble());
  }
  throw Napi::TypeError::New(env, "Unsupported return type " + value.tagKind());
}

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t id = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id >= operators.size()) throw Napi::RangeError::New(env, "Unknown operator id");
  const c10::OperatorHandle& op = operators[id];
  const c10::FunctionSchema& schema = op.schema();
  std::string opName = schema.operator_name().name;
  if (!schema.overload_name().empty()) opName += "." + schema.overload_name();
  Napi::Array args = info[1].As<Napi::Array>();
  const auto& arguments = schema.arguments();
  if (args.Length() > arguments.size()) {
    throw Napi::RangeError::New(env, opName + ": expected at most " + std::to_string(arguments.size()) +
                                         " arguments but received " + std::to_string(args.Length()));
  }
  return guarded(env, opName, [&]() -> Napi::Value {
    torch::jit::Stack stack;
    stack.reserve(arguments.size());
    for (size_t i = 0; i < arguments.size(); i++) {
      const c10::Argument& argument = arguments[i];
      Napi::Value value = i < args.Length() ? args.Get(static_cast<uint32_t>(i)) : env.Undefined();
      if (value.IsUndefined()) {
        if (argument.default_value()) {
          stack.push_back(*argument.default_value());
          continue;
        }
        if (argument.type()->kind() == c10::TypeKind::OptionalType) {
          stack.emplace_back();
          continue;
        }
        throw Napi::TypeError::New(env, opName + ": missing argument " + argument.name());
      }
      stack.push_back(ToIValue(value, argument.type(), opName + " argument " + argument.name()));
    }
    op.callBoxed(&stack);
    if (stack.size() == 1) return FromIValue(env, stack[0]);
    Napi::Array results = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) results.Set(i, FromIValue(env, stack[i]));
    return results;
  });
}

// Kind of a schema type as the TS layer needs it: which values are tensor handles.
std::string KindOf(const c10::TypePtr& type) {
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      return "Tensor";
    case c10::TypeKind::OptionalType:
      return KindOf(type->expectRef<c10::OptionalType>().getElementType()) + "?";
    case c10::TypeKind::ListType:
      return KindOf(type->expectRef<c10::ListType>().getElementType()) + "[]";
    default:
      return type->str();
  }
}

// opSignature(id) → { names, arguments, returns }: argument names and the kind of every argument and return
// value ("Tensor", "Tensor?", "Tensor[]", "int", …), so the TS layer knows which values are tensor handles.
Napi::Value OpSignature(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t id = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id >= operators.size()) throw Napi::RangeError::New(env, "Unknown operator id");
  const c10::FunctionSchema& schema = operators[id].schema();
  Napi::Array names = Napi::Array::New(env, schema.arguments().size());
  Napi::Array arguments = Napi::Array::New(env, schema.arguments().size());
  for (size_t i = 0; i < schema.arguments().size(); i++) {
    names.Set(i, Napi::String::New(env, schema.arguments()[i].name()));
    arguments.Set(i, Napi::String::New(env, KindOf(schema.arguments()[i].type())));
  }
  Napi::Array returns = Napi::Array::New(env, schema.returns().size());
  for (size_t i = 0; i < schema.returns().size(); i++)
    returns.Set(i, Napi::String::New(env, KindOf(schema.returns()[i].type())));
  Napi::Object result = Napi::Object::New(env);
  result.Set("names", names);
  result.Set("arguments", arguments);
  result.Set("returns", returns);
  return result;
}

// opSchema(id) → the operator's schema as text (for error messages and docs).
Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  size_t id = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  if (id >= operators.size()) throw Napi::RangeError::New(info.Env(), "Unknown operator id");
  std::ostringstream text;
  text << operators[id].schema();
  return Napi::String::New(info.Env(), text.str());
}

}  // namespace

void InitOps(Napi::Env env, Napi::Object exports) {
  exports.Set("opHandle", Napi::Function::New(env, OpHandle));
  exports.Set("callOp", Napi::Function::New(env, CallOp));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema));
  exports.Set("opSignature", Napi::Function::New(env, OpSignature));
}

}  // namespace medslip
