// Jinja filters and tests with Jinja2's semantics (tojson as transformers overrides it).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#include "core/chat/jinja_ast.h"
#include "core/chat/jinja_builtins_util.h"

namespace qe::jinja::detail {
namespace {

const std::set<std::string>& filterNames() {
    static const std::set<std::string> names = {
        "tojson", "trim", "length", "count", "string", "lower", "upper", "capitalize", "title", "replace",
        "join", "first", "last", "default", "d", "list", "items", "dictsort", "selectattr", "rejectattr",
        "select", "reject", "map", "safe", "int", "float", "abs", "round", "sum", "min", "max", "unique",
        "reverse", "sort", "indent", "escape", "e", "forceescape", "attr", "wordcount", "center", "batch"};
    return names;
}

const std::set<std::string>& testNames() {
    static const std::set<std::string> names = {
        "defined", "undefined", "none", "string", "mapping", "sequence", "iterable", "number", "integer", "float",
        "boolean", "true", "false", "callable", "odd", "even", "divisibleby", "eq", "equalto", "==", "ne", "!=",
        "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">", "ge", ">=", "in", "sameas", "lower", "upper",
        "escaped", "filter", "test"};
    return names;
}

// Jinja's attribute getter: "a.b" looks up item-then-attribute, undefined if missing.
Value lookupPath(const Value& item, const std::string& path, int line) {
    Value cur = item;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t dot = path.find('.', pos);
        std::string part = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
        if (cur.isUndefined()) return cur;
        bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        cur = getItem(cur, numeric ? Value(static_cast<int64_t>(std::strtoll(part.c_str(), nullptr, 10))) : Value(part), line);
        if (dot == std::string::npos) break;
        pos = dot + 1;
    }
    return cur;
}

CallArgs restArgs(const CallArgs& args, size_t from) {
    CallArgs rest;
    rest.line = args.line;
    for (size_t i = from; i < args.positional.size(); ++i) rest.positional.push_back(args.positional[i]);
    return rest;
}

Value selectOrReject(Renderer& r, const Value& input, CallArgs& args, bool byAttr, bool select, int line) {
    List out;
    size_t testIndex = byAttr ? 1 : 0;
    std::string attr;
    if (byAttr) attr = requireString(argAt(args, 0, "attribute", Value::none()), "selectattr", line);
    std::string test;
    if (args.positional.size() > testIndex) test = requireString(args.positional[testIndex], "select", line);
    if (!test.empty() && !isKnownTest(test)) throw TemplateError(line, "unknown test '" + test + "'");
    CallArgs testArgs = restArgs(args, testIndex + 1);
    for (const Value& item : iterableItems(input, "select", line)) {
        Value v = byAttr ? lookupPath(item, attr, line) : item;
        bool ok = test.empty() ? v.truthy() : applyTest(r, test, v, testArgs, line);
        if (ok == select) out.push_back(item);
    }
    return Value(std::move(out));
}

Value mapFilter(Renderer& r, const Value& input, CallArgs& args, int line) {
    List out;
    const Value& attribute = argAt(args, 99, "attribute", Value::undefined());
    if (!attribute.isUndefined()) {
        const Value& def = argAt(args, 99, "default", Value::undefined());
        std::string path = attribute.isString() ? attribute.asString() : attribute.str();
        for (const Value& item : iterableItems(input, "map", line)) {
            Value v = lookupPath(item, path, line);
            out.push_back(v.isUndefined() && !def.isUndefined() ? def : v);
        }
        return Value(std::move(out));
    }
    if (args.positional.empty()) throw TemplateError(line, "map: expected a filter name or attribute=");
    std::string filter = requireString(args.positional[0], "map", line);
    if (!isKnownFilter(filter)) throw TemplateError(line, "unknown filter '" + filter + "'");
    CallArgs rest = restArgs(args, 1);
    rest.kwargs = args.kwargs;
    for (const Value& item : iterableItems(input, "map", line)) out.push_back(applyFilter(r, filter, item, rest, line));
    return Value(std::move(out));
}

Value toIntValue(const Value& v, const Value& def, int64_t base) {
    if (v.isInt() || v.isBool()) return Value(v.asInt());
    if (v.isFloat()) {
        double d = v.asDouble();
        if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return def;
        return Value(static_cast<int64_t>(d));
    }
    if (!v.isString()) return def;
    std::string s = pyStrip(v.asString(), Value::none(), true, true, 0);
    std::erase(s, '_');
    if (s.empty()) return def;
    char* end = nullptr;
    errno = 0;
    long long i = std::strtoll(s.c_str(), &end, static_cast<int>(base));
    if (*end == '\0' && errno == 0) return Value(static_cast<int64_t>(i));
    if (base != 10) return def;
    double d = std::strtod(s.c_str(), &end);
    if (*end != '\0' || !std::isfinite(d) || std::fabs(d) > 9.2e18) return def;
    return Value(static_cast<int64_t>(d));
}

Value toFloatValue(const Value& v, const Value& def) {
    if (v.isNumber()) return Value(v.asDouble());
    if (!v.isString()) return def;
    std::string s = pyStrip(v.asString(), Value::none(), true, true, 0);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0') return def;
    return Value(d);
}

std::string htmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string indentFilter(const std::string& input, const CallArgs& args) {
    const Value& width = argAt(args, 0, "width", Value(4));
    std::string pad = width.isString() ? width.asString() : std::string(static_cast<size_t>(std::clamp<int64_t>(requireInt(width, "indent", args.line), 0, 4096)), ' ');
    bool first = argAt(args, 1, "first", Value(false)).truthy();
    bool blank = argAt(args, 2, "blank", Value(false)).truthy();
    std::vector<std::string> lines = splitLines(input + "\n");
    std::string rv;
    if (blank) {
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i) {
                rv += '\n';
                rv += pad;
            }
            rv += lines[i];
        }
    } else if (!lines.empty()) {
        rv = lines[0];
        for (size_t i = 1; i < lines.size(); ++i) {
            rv += '\n';
            if (!lines[i].empty()) rv += pad;
            rv += lines[i];
        }
    }
    return first ? pad + rv : rv;
}

int sortCompare(const Value& a, const Value& b, bool caseSensitive, int line) {
    if (!caseSensitive && a.isString() && b.isString())
        return compareValues(Value(pyLower(a.asString())), Value(pyLower(b.asString())), line);
    return compareValues(a, b, line);
}

Value sortFilter(const Value& input, const CallArgs& args, int line) {
    bool reverse = argAt(args, 0, "reverse", Value(false)).truthy();
    bool caseSensitive = argAt(args, 1, "case_sensitive", Value(false)).truthy();
    const Value& attribute = argAt(args, 2, "attribute", Value::none());
    std::vector<Value> items = iterableItems(input, "sort", line);
    auto key = [&](const Value& v) { return attribute.isNone() ? v : lookupPath(v, attribute.str(), line); };
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
        int c = sortCompare(key(a), key(b), caseSensitive, line);
        return reverse ? c > 0 : c < 0;
    });
    return Value(std::move(items));
}

Value minMax(const Value& input, const CallArgs& args, bool max, int line) {
    bool caseSensitive = argAt(args, 0, "case_sensitive", Value(false)).truthy();
    const Value& attribute = argAt(args, 1, "attribute", Value::none());
    std::vector<Value> items = iterableItems(input, max ? "max" : "min", line);
    if (items.empty()) return Value::undefined("empty sequence");
    auto key = [&](const Value& v) { return attribute.isNone() ? v : lookupPath(v, attribute.str(), line); };
    Value best = items[0];
    for (size_t i = 1; i < items.size(); ++i) {
        int c = sortCompare(key(items[i]), key(best), caseSensitive, line);
        if (max ? c > 0 : c < 0) best = items[i];
    }
    return best;
}

Value stringFilter(Renderer& r, const std::string& name, const Value& input, CallArgs& args, int line) {
    std::string s = input.str();
    if (name == "trim") return Value(pyStrip(s, argAt(args, 0, "chars", Value::none()), true, true, line));
    if (name == "lower") return Value(pyLower(s));
    if (name == "upper") return Value(pyUpper(s));
    if (name == "capitalize") return Value(pyCapitalize(s));
    if (name == "string") return Value(s);
    if (name == "title") {
        // Jinja's title: words start after whitespace or one of -([{<.
        std::string out = s;
        bool start = true;
        for (char& c : out) {
            unsigned char u = static_cast<unsigned char>(c);
            c = static_cast<char>(start ? std::toupper(u) : std::tolower(u));
            start = std::isspace(u) || c == '-' || c == '(' || c == '[' || c == '{' || c == '<';
        }
        return Value(out);
    }
    if (name == "replace") {
        const Value& count = argAt(args, 2, "count", Value::none());
        return Value(pyReplace(r, s, argAt(args, 0, "old", Value("")).str(), argAt(args, 1, "new", Value("")).str(),
                               count.isNone() ? -1 : requireInt(count, "replace", line), line));
    }
    if (name == "escape" || name == "e" || name == "forceescape") return Value(htmlEscape(s));
    if (name == "indent") return Value(indentFilter(s, args));
    if (name == "center") {
        size_t width = static_cast<size_t>(std::clamp<int64_t>(requireInt(argAt(args, 0, "width", Value(80)), "center", line), 0, 4096));
        size_t len = utf8Length(s);
        if (len >= width) return Value(s);
        size_t left = (width - len) / 2 + ((width - len) & width & 1);
        return Value(std::string(left, ' ') + s + std::string(width - len - left, ' '));
    }
    throw TemplateError(line, "unknown filter '" + name + "'");
}

}  // namespace

bool isKnownFilter(const std::string& name) { return filterNames().count(name) > 0; }
bool isKnownTest(const std::string& name) { return testNames().count(name) > 0; }

Value applyFilter(Renderer& r, const std::string& name, const Value& input, CallArgs& args, int line) {
    if (name == "tojson") {
        const Value& indent = argAt(args, 0, "indent", Value::none());
        std::string out = toJson(input, indent.isNone() ? -1 : static_cast<int>(std::clamp<int64_t>(requireInt(indent, "tojson indent", line), 0, 64)), line);
        r.checkString(out.size(), line);
        return Value(std::move(out));
    }
    if (name == "safe") return input;
    if (name == "length" || name == "count") {
        switch (input.kind()) {
            case Value::Kind::Undefined: return Value(0);
            case Value::Kind::String: return Value(static_cast<int64_t>(utf8Length(input.asString())));
            case Value::Kind::List: return Value(static_cast<int64_t>(input.list()->size()));
            case Value::Kind::Dict: return Value(static_cast<int64_t>(input.dict()->items.size()));
            default: throw TemplateError(line, "length: object of type '" + input.typeName() + "' has no len()");
        }
    }
    if (name == "default" || name == "d") {
        bool boolean = argAt(args, 1, "boolean", Value(false)).truthy();
        bool useDefault = input.isUndefined() || (boolean && !input.truthy());
        return useDefault ? argAt(args, 0, "default_value", Value("")) : input;
    }
    if (name == "join") {
        const Value& attribute = argAt(args, 1, "attribute", Value::none());
        std::string sep = argAt(args, 0, "d", Value("")).str();
        std::string out;
        bool first = true;
        for (const Value& item : iterableItems(input, "join", line)) {
            if (!first) out += sep;
            first = false;
            out += (attribute.isNone() ? item : lookupPath(item, attribute.str(), line)).str();
            r.checkString(out.size(), line);
        }
        return Value(std::move(out));
    }
    if (name == "first" || name == "last") {
        std::vector<Value> items = iterableItems(input, name, line);
        if (items.empty()) return Value::undefined("no " + name + " item");
        return name == "first" ? items.front() : items.back();
    }
    if (name == "list") return Value(iterableItems(input, "list", line));
    if (name == "items") return itemsOf(input, line);
    if (name == "dictsort") {
        if (!input.isDict()) throw TemplateError(line, "dictsort: expected a mapping, got '" + input.typeName() + "'");
        bool caseSensitive = argAt(args, 0, "case_sensitive", Value(false)).truthy();
        bool byValue = argAt(args, 1, "by", Value("key")).str() == "value";
        bool reverse = argAt(args, 2, "reverse", Value(false)).truthy();
        List items = *itemsOf(input, line).list();
        std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
            int c = sortCompare((*a.list())[byValue ? 1 : 0], (*b.list())[byValue ? 1 : 0], caseSensitive, line);
            return reverse ? c > 0 : c < 0;
        });
        return Value(std::move(items));
    }
    if (name == "selectattr" || name == "rejectattr") return selectOrReject(r, input, args, true, name == "selectattr", line);
    if (name == "select" || name == "reject") return selectOrReject(r, input, args, false, name == "select", line);
    if (name == "map") return mapFilter(r, input, args, line);
    if (name == "int")
        return toIntValue(input, argAt(args, 0, "default", Value(0)), requireInt(argAt(args, 1, "base", Value(10)), "int", line));
    if (name == "float") return toFloatValue(input, argAt(args, 0, "default", Value(0.0)));
    if (name == "abs") {
        if (input.isFloat()) return Value(std::fabs(input.asDouble()));
        if (input.isInt() || input.isBool()) {
            if (input.asInt() == INT64_MIN) throw TemplateError(line, "integer overflow in abs");
            return Value(input.asInt() < 0 ? -input.asInt() : input.asInt());
        }
        throw TemplateError(line, "abs: bad operand type '" + input.typeName() + "'");
    }
    if (name == "round") {
        if (!input.isNumber()) throw TemplateError(line, "round: expected a number, got '" + input.typeName() + "'");
        int64_t precision = std::clamp<int64_t>(requireInt(argAt(args, 0, "precision", Value(0)), "round", line), -20, 20);
        std::string method = argAt(args, 1, "method", Value("common")).str();
        double scale = std::pow(10.0, static_cast<double>(precision));
        double v = input.asDouble() * scale;
        v = method == "ceil" ? std::ceil(v) : method == "floor" ? std::floor(v) : std::nearbyint(v);
        return Value(v / scale);
    }
    if (name == "sum") {
        const Value& attribute = argAt(args, 0, "attribute", Value::none());
        Value total = argAt(args, 1, "start", Value(0));
        for (const Value& item : iterableItems(input, "sum", line))
            total = binaryOp(r, "+", total, attribute.isNone() ? item : lookupPath(item, attribute.str(), line), line);
        return total;
    }
    if (name == "min" || name == "max") return minMax(input, args, name == "max", line);
    if (name == "unique") {
        bool caseSensitive = argAt(args, 0, "case_sensitive", Value(false)).truthy();
        List out;
        for (const Value& item : iterableItems(input, "unique", line)) {
            bool seen = false;
            for (const Value& o : out)
                seen = seen || (!caseSensitive && item.isString() && o.isString() ? pyLower(item.asString()) == pyLower(o.asString()) : valuesEqual(item, o));
            if (!seen) out.push_back(item);
        }
        return Value(std::move(out));
    }
    if (name == "reverse") {
        std::vector<Value> items = iterableItems(input, "reverse", line);
        std::reverse(items.begin(), items.end());
        if (!input.isString()) return Value(std::move(items));
        std::string s;
        for (const Value& v : items) s += v.asString();
        return Value(std::move(s));
    }
    if (name == "sort") return sortFilter(input, args, line);
    if (name == "attr") return getAttribute(input, requireString(argAt(args, 0, "name", Value::none()), "attr", line), line);
    if (name == "batch") {
        int64_t n = requireInt(argAt(args, 0, "linecount", Value(1)), "batch", line);
        if (n <= 0) throw TemplateError(line, "batch: size must be positive");
        const Value& fill = argAt(args, 1, "fill_with", Value::none());
        List out, cur;
        for (const Value& item : iterableItems(input, "batch", line)) {
            cur.push_back(item);
            if (static_cast<int64_t>(cur.size()) == n) out.emplace_back(std::exchange(cur, {}));
        }
        if (!cur.empty()) {
            if (!fill.isNone())
                while (static_cast<int64_t>(cur.size()) < n) cur.push_back(fill);
            out.emplace_back(std::move(cur));
        }
        return Value(std::move(out));
    }
    if (name == "wordcount") {
        int64_t n = 0;
        bool inWord = false;
        for (unsigned char c : input.str()) {
            bool w = std::isalnum(c) || c == '_' || c >= 0x80;
            if (w && !inWord) ++n;
            inWord = w;
        }
        return Value(n);
    }
    return stringFilter(r, name, input, args, line);
}

bool applyTest(Renderer& r, const std::string& name, const Value& v, CallArgs& args, int line) {
    (void)r;
    auto arg = [&]() -> const Value& {
        if (args.positional.empty()) throw TemplateError(line, "test '" + name + "' needs an argument");
        return args.positional[0];
    };
    using K = Value::Kind;
    if (name == "defined") return !v.isUndefined();
    if (name == "undefined") return v.isUndefined();
    if (name == "none") return v.isNone();
    if (name == "string") return v.isString();
    if (name == "mapping") return v.isDict() && !v.dict()->isNamespace;
    if (name == "sequence") return v.isString() || v.isList() || (v.isDict() && !v.dict()->isNamespace);
    if (name == "iterable") return v.isString() || v.isList() || v.isDict() || v.isUndefined();
    if (name == "number") return v.isNumber();
    if (name == "integer") return v.isInt();
    if (name == "float") return v.isFloat();
    if (name == "boolean") return v.isBool();
    if (name == "true") return v.isBool() && v.asBool();
    if (name == "false") return v.isBool() && !v.asBool();
    if (name == "callable") return v.isCallable();
    if (name == "odd" || name == "even") {
        int64_t i = requireInt(v, name, line);
        return (((i % 2) + 2) % 2 == 1) == (name == "odd");
    }
    if (name == "divisibleby") {
        int64_t d = requireInt(arg(), "divisibleby", line);
        if (d == 0) throw TemplateError(line, "divisibleby: division by zero");
        return d == -1 || requireInt(v, "divisibleby", line) % d == 0;
    }
    if (name == "eq" || name == "equalto" || name == "==") return valuesEqual(v, arg());
    if (name == "ne" || name == "!=") return !valuesEqual(v, arg());
    if (name == "lt" || name == "lessthan" || name == "<") return compareValues(v, arg(), line) < 0;
    if (name == "le" || name == "<=") return compareValues(v, arg(), line) <= 0;
    if (name == "gt" || name == "greaterthan" || name == ">") return compareValues(v, arg(), line) > 0;
    if (name == "ge" || name == ">=") return compareValues(v, arg(), line) >= 0;
    if (name == "in") return containsValue(arg(), v, line);
    if (name == "sameas") {
        const Value& o = arg();
        if (v.kind() != o.kind()) return false;
        switch (v.kind()) {
            case K::List: return v.list() == o.list();
            case K::Dict: return v.dict() == o.dict();
            case K::Callable: return v.callable() == o.callable();
            default: return valuesEqual(v, o);
        }
    }
    if (name == "lower") return v.isString() && pyLower(v.asString()) == v.asString();
    if (name == "upper") return v.isString() && pyUpper(v.asString()) == v.asString();
    if (name == "escaped") return false;
    if (name == "filter") return v.isString() && isKnownFilter(v.asString());
    if (name == "test") return v.isString() && isKnownTest(v.asString());
    throw TemplateError(line, "unknown test '" + name + "'");
}

std::vector<Value> iterableItems(const Value& v, const std::string& what, int line) {
    switch (v.kind()) {
        case Value::Kind::Undefined: return {};
        case Value::Kind::List: return *v.list();
        case Value::Kind::String: {
            std::vector<Value> out;
            for (auto& ch : utf8Chars(v.asString())) out.emplace_back(ch);
            return out;
        }
        case Value::Kind::Dict: {
            if (v.dict()->isNamespace) break;
            std::vector<Value> out;
            for (auto& [k, _] : v.dict()->items) out.emplace_back(k);
            return out;
        }
        default: break;
    }
    const std::string prefix = what.empty() ? std::string() : what + ": ";
    throw TemplateError(line, prefix + "'" + v.typeName() + "' object is not iterable");
}

}  // namespace qe::jinja::detail
