// Python semantics for Jinja values: truthiness, str/repr, json.dumps, equality and ordering.
#include "core/chat/jinja_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace qe::jinja::detail {

bool Value::truthy() const {
    switch (kind()) {
        case Kind::Undefined:
        case Kind::None: return false;
        case Kind::Bool: return asBool();
        case Kind::Int: return asInt() != 0;
        case Kind::Float: return asDouble() != 0.0;
        case Kind::String: return !asString().empty();
        case Kind::List: return !list()->empty();
        case Kind::Dict: return dict()->isNamespace || !dict()->items.empty();
        case Kind::Callable: return true;
    }
    return false;
}

std::string Value::typeName() const {
    switch (kind()) {
        case Kind::Undefined: return "undefined";
        case Kind::None: return "NoneType";
        case Kind::Bool: return "bool";
        case Kind::Int: return "int";
        case Kind::Float: return "float";
        case Kind::String: return "str";
        case Kind::List: return "list";
        case Kind::Dict: return dict()->isNamespace ? "Namespace" : "dict";
        case Kind::Callable: return "function";
    }
    return "?";
}

std::string formatFloat(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);  // "d.ddde[+-]XX"
    size_t ePos = sci.find('e');
    std::string mant = sci.substr(0, ePos);
    int exp = std::stoi(sci.substr(ePos + 1));
    bool neg = !mant.empty() && mant[0] == '-';
    if (neg) mant.erase(0, 1);
    std::string digits;
    for (char c : mant)
        if (c != '.') digits += c;
    std::string out;
    if (exp < -4 || exp >= 16) {
        out = digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char e[16];
        std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
        out += e;
    } else if (exp < 0) {
        out = "0.";
        out.append(static_cast<size_t>(-exp - 1), '0');
        out += digits;
    } else {
        size_t intLen = static_cast<size_t>(exp) + 1;
        if (digits.size() <= intLen) {
            out = digits + std::string(intLen - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, intLen) + "." + digits.substr(intLen);
        }
    }
    return neg ? "-" + out : out;
}

static std::string reprString(const std::string& s) {
    bool hasSingle = s.find('\'') != std::string::npos;
    bool hasDouble = s.find('"') != std::string::npos;
    char quote = (hasSingle && !hasDouble) ? '"' : '\'';
    std::string out(1, quote);
    for (unsigned char c : s) {
        if (c == static_cast<unsigned char>(quote) || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += quote;
    return out;
}

std::string Value::repr() const {
    switch (kind()) {
        case Kind::String: return reprString(asString());
        case Kind::Undefined: return "Undefined";
        case Kind::List: {
            std::string out = "[";
            bool first = true;
            for (const Value& v : *list()) {
                if (!first) out += ", ";
                first = false;
                out += v.repr();
            }
            return out + "]";
        }
        case Kind::Dict: {
            if (dict()->isNamespace) return "<Namespace>";
            std::string out = "{";
            bool first = true;
            for (const auto& [k, v] : dict()->items) {
                if (!first) out += ", ";
                first = false;
                out += reprString(k) + ": " + v.repr();
            }
            return out + "}";
        }
        default: return str();
    }
}

std::string Value::str() const {
    switch (kind()) {
        case Kind::Undefined: return {};
        case Kind::None: return "None";
        case Kind::Bool: return asBool() ? "True" : "False";
        case Kind::Int: return std::to_string(asInt());
        case Kind::Float: return formatFloat(asDouble());
        case Kind::String: return asString();
        case Kind::Callable: return "<function " + callable()->name + ">";
        default: return repr();
    }
}

const Value* Dict::find(const std::string& key) const {
    for (const auto& [k, v] : items)
        if (k == key) return &v;
    return nullptr;
}

void Dict::set(const std::string& key, Value value) {
    for (auto& [k, v] : items) {
        if (k == key) {
            v = std::move(value);
            return;
        }
    }
    items.emplace_back(key, std::move(value));
}

static void jsonString(const std::string& s, std::string& out) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

static void toJsonImpl(const Value& v, int indent, int level, int line, std::string& out) {
    auto newline = [&](int lvl) {
        out += '\n';
        out.append(static_cast<size_t>(indent) * static_cast<size_t>(lvl), ' ');
    };
    if (level > 512) throw TemplateError(line, "tojson: value nested too deeply");
    switch (v.kind()) {
        case Value::Kind::None: out += "null"; return;
        case Value::Kind::Bool: out += v.asBool() ? "true" : "false"; return;
        case Value::Kind::Int: out += std::to_string(v.asInt()); return;
        case Value::Kind::Float: {
            double d = v.asDouble();
            if (std::isnan(d)) out += "NaN";
            else if (std::isinf(d)) out += d > 0 ? "Infinity" : "-Infinity";
            else out += formatFloat(d);
            return;
        }
        case Value::Kind::String: jsonString(v.asString(), out); return;
        case Value::Kind::List: {
            const List& l = *v.list();
            if (l.empty()) { out += "[]"; return; }
            out += '[';
            for (size_t i = 0; i < l.size(); ++i) {
                if (i) out += indent >= 0 ? "," : ", ";
                if (indent >= 0) newline(level + 1);
                toJsonImpl(l[i], indent, level + 1, line, out);
            }
            if (indent >= 0) newline(level);
            out += ']';
            return;
        }
        case Value::Kind::Dict: {
            const auto& items = v.dict()->items;
            if (items.empty()) { out += "{}"; return; }
            out += '{';
            for (size_t i = 0; i < items.size(); ++i) {
                if (i) out += indent >= 0 ? "," : ", ";
                if (indent >= 0) newline(level + 1);
                jsonString(items[i].first, out);
                out += ": ";
                toJsonImpl(items[i].second, indent, level + 1, line, out);
            }
            if (indent >= 0) newline(level);
            out += '}';
            return;
        }
        case Value::Kind::Undefined:
            throw TemplateError(line, "tojson: value is undefined" +
                                          (v.undefinedHint().empty() ? std::string() : " (" + v.undefinedHint() + ")"));
        case Value::Kind::Callable: throw TemplateError(line, "tojson: a function is not JSON serializable");
    }
}

std::string toJson(const Value& value, int indent, int line) {
    std::string out;
    toJsonImpl(value, indent, 0, line, out);
    return out;
}

bool valuesEqual(const Value& a, const Value& b) {
    using K = Value::Kind;
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) return a.asDouble() == b.asDouble();
        return a.asInt() == b.asInt();
    }
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case K::Undefined:
        case K::None: return true;
        case K::String: return a.asString() == b.asString();
        case K::List: {
            const List& x = *a.list();
            const List& y = *b.list();
            if (x.size() != y.size()) return false;
            for (size_t i = 0; i < x.size(); ++i)
                if (!valuesEqual(x[i], y[i])) return false;
            return true;
        }
        case K::Dict: {
            if (a.dict() == b.dict()) return true;
            const auto& x = a.dict()->items;
            if (x.size() != b.dict()->items.size()) return false;
            for (const auto& [k, v] : x) {
                const Value* other = b.dict()->find(k);
                if (!other || !valuesEqual(v, *other)) return false;
            }
            return true;
        }
        case K::Callable: return a.callable() == b.callable();
        default: return false;
    }
}

int compareValues(const Value& a, const Value& b, int line) {
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) {
            double x = a.asDouble(), y = b.asDouble();
            return x < y ? -1 : (x > y ? 1 : 0);
        }
        int64_t x = a.asInt(), y = b.asInt();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.isString() && b.isString()) {
        int c = a.asString().compare(b.asString());
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (a.isList() && b.isList()) {
        const List& x = *a.list();
        const List& y = *b.list();
        for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
            int c = compareValues(x[i], y[i], line);
            if (c) return c;
        }
        return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    throw TemplateError(line, "cannot compare '" + a.typeName() + "' with '" + b.typeName() + "'");
}

Value fromJson(const nlohmann::ordered_json& json) {
    switch (json.type()) {
        case nlohmann::ordered_json::value_t::null: return Value::none();
        case nlohmann::ordered_json::value_t::boolean: return Value(json.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer: return Value(json.get<int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned: {
            uint64_t u = json.get<uint64_t>();
            if (u > static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
            return Value(static_cast<int64_t>(u));
        }
        case nlohmann::ordered_json::value_t::number_float: return Value(json.get<double>());
        case nlohmann::ordered_json::value_t::string: return Value(json.get<std::string>());
        case nlohmann::ordered_json::value_t::array: {
            List list;
            list.reserve(json.size());
            for (const auto& item : json) list.push_back(fromJson(item));
            return Value(std::move(list));
        }
        case nlohmann::ordered_json::value_t::object: {
            auto dict = std::make_shared<Dict>();
            dict->items.reserve(json.size());
            for (auto it = json.begin(); it != json.end(); ++it) dict->set(it.key(), fromJson(it.value()));
            return Value(dict);
        }
        default: return Value::none();
    }
}

static size_t utf8SeqLen(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;  // stray continuation byte: treat as one char
}

std::vector<std::string> utf8Chars(const std::string& s) {
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        size_t n = std::min(utf8SeqLen(static_cast<unsigned char>(s[i])), s.size() - i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

size_t utf8Length(const std::string& s) {
    size_t n = 0;
    for (size_t i = 0; i < s.size();) {
        i += std::min(utf8SeqLen(static_cast<unsigned char>(s[i])), s.size() - i);
        ++n;
    }
    return n;
}

}  // namespace qe::jinja::detail
