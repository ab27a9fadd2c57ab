// Values of the Jinja engine (internal to qe_chat): Python-like undefined, none, bool, int, float,
// str, list, dict (insertion-ordered) and callables, with Python's str()/repr()/json.dumps() text.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace qe::jinja::detail {

// Thrown inside the engine only; Template::parse/render catch it and return qe::Error.
struct TemplateError : std::runtime_error {
    TemplateError(int line, const std::string& message)
        : std::runtime_error(message), line(line) {}
    int line = 0;  // 0: unknown
};

class Value;
struct CallArgs;
using List = std::vector<Value>;

struct Dict;
struct Callable;

struct Undefined {
    std::string hint;  // what was looked up, for error messages ("'foo' is undefined")
};

class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Callable };

    Value() : m_v(Undefined{}) {}
    static Value undefined(std::string hint = {}) { Value v; v.m_v = Undefined{std::move(hint)}; return v; }
    static Value none() { Value v; v.m_v = nullptr; return v; }
    Value(bool b) : m_v(b) {}                              // NOLINT
    Value(int64_t i) : m_v(i) {}                           // NOLINT
    Value(int i) : m_v(int64_t{i}) {}                      // NOLINT
    Value(double f) : m_v(f) {}                            // NOLINT
    Value(std::string s) : m_v(std::move(s)) {}            // NOLINT
    Value(const char* s) : m_v(std::string(s)) {}          // NOLINT
    Value(List l) : m_v(std::make_shared<List>(std::move(l))) {}  // NOLINT
    Value(std::shared_ptr<List> l) : m_v(std::move(l)) {}  // NOLINT
    Value(std::shared_ptr<Dict> d) : m_v(std::move(d)) {}  // NOLINT
    Value(std::shared_ptr<Callable> c) : m_v(std::move(c)) {}  // NOLINT

    Kind kind() const { return static_cast<Kind>(m_v.index()); }
    bool isUndefined() const { return kind() == Kind::Undefined; }
    bool isNone() const { return kind() == Kind::None; }
    bool isBool() const { return kind() == Kind::Bool; }
    bool isInt() const { return kind() == Kind::Int; }
    bool isFloat() const { return kind() == Kind::Float; }
    bool isNumber() const { return isInt() || isFloat() || isBool(); }
    bool isString() const { return kind() == Kind::String; }
    bool isList() const { return kind() == Kind::List; }
    bool isDict() const { return kind() == Kind::Dict; }
    bool isCallable() const { return kind() == Kind::Callable; }

    bool asBool() const { return std::get<bool>(m_v); }
    int64_t asInt() const { return isBool() ? int64_t{asBool()} : std::get<int64_t>(m_v); }
    double asDouble() const { return isFloat() ? std::get<double>(m_v) : static_cast<double>(asInt()); }
    const std::string& asString() const { return std::get<std::string>(m_v); }
    const std::shared_ptr<List>& list() const { return std::get<std::shared_ptr<List>>(m_v); }
    const std::shared_ptr<Dict>& dict() const { return std::get<std::shared_ptr<Dict>>(m_v); }
    const std::shared_ptr<Callable>& callable() const { return std::get<std::shared_ptr<Callable>>(m_v); }
    const std::string& undefinedHint() const { return std::get<Undefined>(m_v).hint; }

    bool truthy() const;
    // Python str(): what `{{ x }}` prints (undefined prints as empty).
    std::string str() const;
    // Python repr(): how values look inside a printed list or dict.
    std::string repr() const;
    // Python type name for error messages ("str", "list", "dict", ...).
    std::string typeName() const;

private:
    std::variant<Undefined, std::nullptr_t, bool, int64_t, double, std::string, std::shared_ptr<List>,
                 std::shared_ptr<Dict>, std::shared_ptr<Callable>>
        m_v;
};

// Insertion-ordered string-keyed mapping (Python dict). `isNamespace` marks namespace() objects,
// the only dicts whose attributes templates may assign.
struct Dict {
    std::vector<std::pair<std::string, Value>> items;
    bool isNamespace = false;
    bool mutated = false;  // already listed in Renderer::mutatedNamespaces

    const Value* find(const std::string& key) const;
    void set(const std::string& key, Value value);
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> kwargs;
    int line = 0;
};

struct Callable {
    std::string name;
    std::function<Value(CallArgs&)> fn;
};

inline Value makeDict() { return Value(std::make_shared<Dict>()); }

// Python-style float repr (shortest round trip, "1.0", "1e+16", "1e-05").
std::string formatFloat(double value);
// Python json.dumps(value, ensure_ascii=False) with ", " / ": " separators, or an indented form
// (indent >= 0) with "," and ": " as json.dumps(indent=N) writes it.
std::string toJson(const Value& value, int indent, int line);
bool valuesEqual(const Value& a, const Value& b);
// -1, 0, 1; throws TemplateError for unorderable types.
int compareValues(const Value& a, const Value& b, int line);

Value fromJson(const nlohmann::ordered_json& json);

// UTF-8 helpers: Python strings index by code point.
std::vector<std::string> utf8Chars(const std::string& s);
size_t utf8Length(const std::string& s);

}  // namespace qe::jinja::detail
