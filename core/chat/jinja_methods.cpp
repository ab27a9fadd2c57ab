// Jinja object model: attribute and item lookup, Python str/dict methods, slicing, operators and
// the global functions (range, namespace, dict, raise_exception, strftime_now, joiner).
#include <algorithm>
#include <cmath>
#include <ctime>

#include "core/chat/jinja_ast.h"
#include "core/chat/jinja_builtins_util.h"

namespace qe::jinja::detail {

Value argAt(const CallArgs& args, size_t index, const char* name, const Value& fallback) {
    if (index < args.positional.size()) return args.positional[index];
    for (const auto& [k, v] : args.kwargs)
        if (k == name) return v;
    return fallback;
}

const std::string& requireString(const Value& v, const std::string& what, int line) {
    if (!v.isString()) throw TemplateError(line, what + ": expected a string, got '" + v.typeName() + "'");
    return v.asString();
}

int64_t requireInt(const Value& v, const std::string& what, int line) {
    if (!v.isInt() && !v.isBool()) throw TemplateError(line, what + ": expected an integer, got '" + v.typeName() + "'");
    return v.asInt();
}

bool isPyWhitespace(const std::string& ch) {
    if (ch.size() == 1) {
        unsigned char c = static_cast<unsigned char>(ch[0]);
        return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
    }
    return ch == "\xc2\x85" || ch == "\xc2\xa0" || ch == "\xe3\x80\x80" || ch == "\xe2\x80\xa8" ||
           ch == "\xe2\x80\xa9" || ch == "\xe1\x9a\x80" || (ch.size() == 3 && ch[0] == '\xe2' && ch[1] == '\x80' &&
                                                             static_cast<unsigned char>(ch[2]) <= 0x8a) ||
           ch == "\xe2\x80\xaf" || ch == "\xe2\x81\x9f";
}

std::string pyStrip(const std::string& s, const Value& chars, bool left, bool right, int line) {
    std::vector<std::string> cs = utf8Chars(s);
    std::vector<std::string> set;
    const bool whitespace = chars.isNone() || chars.isUndefined();
    if (!whitespace) set = utf8Chars(requireString(chars, "strip", line));
    auto strip = [&](const std::string& ch) {
        return whitespace ? isPyWhitespace(ch) : std::find(set.begin(), set.end(), ch) != set.end();
    };
    size_t b = 0, e = cs.size();
    if (left)
        while (b < e && strip(cs[b])) ++b;
    if (right)
        while (e > b && strip(cs[e - 1])) --e;
    std::string out;
    for (size_t i = b; i < e; ++i) out += cs[i];
    return out;
}

std::string pyReplace(Renderer& r, const std::string& s, const std::string& from, const std::string& to, int64_t count,
                      int line) {
    std::string out;
    if (from.empty()) {
        std::vector<std::string> cs = utf8Chars(s);
        int64_t done = 0;
        for (const auto& ch : cs) {
            if (count < 0 || done < count) { out += to; ++done; }
            out += ch;
            r.checkString(out.size(), line);
        }
        if (count < 0 || done < count) out += to;
        return out;
    }
    size_t pos = 0;
    int64_t done = 0;
    for (size_t hit; (count < 0 || done < count) && (hit = s.find(from, pos)) != std::string::npos; ++done) {
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
        r.checkString(out.size(), line);
    }
    out.append(s, pos, std::string::npos);
    r.checkString(out.size(), line);
    return out;
}

std::string pyLower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string pyUpper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Python str.title(): a letter is upper-cased when the previous character is not a letter.
std::string pyTitle(std::string s) {
    bool prevLetter = false;
    for (char& c : s) {
        unsigned char u = static_cast<unsigned char>(c);
        bool letter = std::isalpha(u) != 0;
        if (letter) c = static_cast<char>(prevLetter ? std::tolower(u) : std::toupper(u));
        prevLetter = letter;
    }
    return s;
}

std::string pyCapitalize(const std::string& s) {
    std::string out = pyLower(s);
    if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
}

static List pySplit(const std::string& s, const Value& sepValue, int64_t maxSplit, int line) {
    List out;
    if (sepValue.isNone() || sepValue.isUndefined()) {
        std::vector<std::string> cs = utf8Chars(s);
        size_t i = 0;
        while (i < cs.size()) {
            while (i < cs.size() && isPyWhitespace(cs[i])) ++i;
            if (i == cs.size()) break;
            std::string word;
            if (maxSplit >= 0 && static_cast<int64_t>(out.size()) == maxSplit) {
                for (; i < cs.size(); ++i) word += cs[i];
                // Python keeps trailing whitespace out of the last piece only when splitting fully.
                size_t end = word.size();
                while (end > 0 && std::isspace(static_cast<unsigned char>(word[end - 1]))) --end;
                word.resize(end);
                out.emplace_back(word);
                break;
            }
            while (i < cs.size() && !isPyWhitespace(cs[i])) word += cs[i++];
            out.emplace_back(word);
        }
        return out;
    }
    const std::string& sep = requireString(sepValue, "split", line);
    if (sep.empty()) throw TemplateError(line, "split: empty separator");
    size_t pos = 0;
    for (size_t hit; (maxSplit < 0 || static_cast<int64_t>(out.size()) < maxSplit) &&
                     (hit = s.find(sep, pos)) != std::string::npos;) {
        out.emplace_back(s.substr(pos, hit - pos));
        pos = hit + sep.size();
    }
    out.emplace_back(s.substr(pos));
    return out;
}

static bool affixMatch(const std::string& s, const Value& affix, bool prefix, int line) {
    auto one = [&](const Value& a) {
        const std::string& p = requireString(a, prefix ? "startswith" : "endswith", line);
        if (p.size() > s.size()) return false;
        return prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0;
    };
    if (affix.isList()) {
        for (const Value& a : *affix.list())
            if (one(a)) return true;
        return false;
    }
    return one(affix);
}

static Value method(std::string name, std::function<Value(CallArgs&)> fn) {
    auto c = std::make_shared<Callable>();
    c->name = std::move(name);
    c->fn = std::move(fn);
    return Value(c);
}

static Value stringMethod(const std::string& s, const std::string& name, Renderer* r) {
    const Value none = Value::none();
    if (name == "startswith" || name == "endswith") {
        bool prefix = name == "startswith";
        return method(name, [s, prefix](CallArgs& a) { return Value(affixMatch(s, argAt(a, 0, "prefix", Value::none()), prefix, a.line)); });
    }
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        bool left = name != "rstrip", right = name != "lstrip";
        return method(name, [s, left, right](CallArgs& a) {
            return Value(pyStrip(s, argAt(a, 0, "chars", Value::none()), left, right, a.line));
        });
    }
    if (name == "split")
        return method(name, [s](CallArgs& a) {
            return Value(pySplit(s, argAt(a, 0, "sep", Value::none()), requireInt(argAt(a, 1, "maxsplit", Value(-1)), "split", a.line), a.line));
        });
    if (name == "replace")
        return method(name, [s, r](CallArgs& a) {
            return Value(pyReplace(*r, s, requireString(argAt(a, 0, "old", Value::none()), "replace", a.line),
                                   requireString(argAt(a, 1, "new", Value::none()), "replace", a.line),
                                   requireInt(argAt(a, 2, "count", Value(-1)), "replace", a.line), a.line));
        });
    if (name == "upper") return method(name, [s](CallArgs&) { return Value(pyUpper(s)); });
    if (name == "lower") return method(name, [s](CallArgs&) { return Value(pyLower(s)); });
    if (name == "title") return method(name, [s](CallArgs&) { return Value(pyTitle(s)); });
    if (name == "capitalize") return method(name, [s](CallArgs&) { return Value(pyCapitalize(s)); });
    if (name == "find" || name == "count" || name == "index" || name == "rfind") {
        return method(name, [s, name](CallArgs& a) -> Value {
            const std::string sub = requireString(argAt(a, 0, "sub", Value::none()), name, a.line);
            if (name == "count") {
                if (sub.empty()) return Value(static_cast<int64_t>(utf8Length(s) + 1));
                int64_t n = 0;
                for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
                return Value(n);
            }
            size_t p = name == "rfind" ? s.rfind(sub) : s.find(sub);
            if (p == std::string::npos) {
                if (name == "index") throw TemplateError(a.line, "index: substring not found");
                return Value(-1);
            }
            return Value(static_cast<int64_t>(utf8Length(s.substr(0, p))));
        });
    }
    if (name == "join")
        return method(name, [s, r](CallArgs& a) {
            const Value& items = argAt(a, 0, "iterable", Value::none());
            if (!items.isList()) throw TemplateError(a.line, "join: expected a list, got '" + items.typeName() + "'");
            std::string out;
            bool first = true;
            for (const Value& v : *items.list()) {
                if (!first) out += s;
                first = false;
                out += requireString(v, "join", a.line);
                r->checkString(out.size(), a.line);
            }
            return Value(out);
        });
    if (name == "isdigit" || name == "isalpha" || name == "isspace" || name == "isalnum")
        return method(name, [s, name](CallArgs&) {
            if (s.empty()) return Value(false);
            for (unsigned char c : s) {
                bool ok = name == "isdigit" ? std::isdigit(c) : name == "isalpha" ? std::isalpha(c)
                          : name == "isspace" ? std::isspace(c) : std::isalnum(c);
                if (!ok) return Value(false);
            }
            return Value(true);
        });
    if (name == "splitlines")
        return method(name, [s](CallArgs&) {
            List out;
            for (auto& l : splitLines(s)) out.emplace_back(l);
            return Value(std::move(out));
        });
    (void)none;
    return Value::undefined("str object has no attribute '" + name + "'");
}

std::vector<std::string> splitLines(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\n' || s[i] == '\r') {
            out.push_back(s.substr(start, i - start));
            if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            start = i + 1;
        }
    }
    if (start < s.size()) out.push_back(s.substr(start));
    return out;
}

static Value itemsList(const Dict& d) {
    List out;
    for (const auto& [k, v] : d.items) out.emplace_back(List{Value(k), v});
    return Value(std::move(out));
}

static Value dictMethod(const std::shared_ptr<Dict>& d, const std::string& name) {
    if (name == "items") return method(name, [d](CallArgs&) { return itemsList(*d); });
    if (name == "keys")
        return method(name, [d](CallArgs&) {
            List out;
            for (const auto& kv : d->items) out.emplace_back(kv.first);
            return Value(std::move(out));
        });
    if (name == "values")
        return method(name, [d](CallArgs&) {
            List out;
            for (const auto& kv : d->items) out.push_back(kv.second);
            return Value(std::move(out));
        });
    if (name == "get")
        return method(name, [d](CallArgs& a) {
            const Value& key = argAt(a, 0, "key", Value::none());
            const Value* v = key.isString() ? d->find(key.asString()) : nullptr;
            return v ? *v : argAt(a, 1, "default", Value::none());
        });
    return Value::undefined();
}

Value itemsOf(const Value& v, int line) {
    if (v.isUndefined()) return Value(List{});
    if (!v.isDict()) throw TemplateError(line, "items: expected a mapping, got '" + v.typeName() + "'");
    return itemsList(*v.dict());
}

// The renderer of the render in progress on this thread: string methods charge it for text built.
static thread_local Renderer* tlRenderer = nullptr;

Renderer* setCurrentRenderer(Renderer* r) {
    Renderer* old = tlRenderer;
    tlRenderer = r;
    return old;
}

Value getAttribute(const Value& object, const std::string& name, int line) {
    switch (object.kind()) {
        case Value::Kind::Undefined:
            throw TemplateError(line, "cannot read attribute '" + name + "' of an undefined value" +
                                          (object.undefinedHint().empty() ? "" : " (" + object.undefinedHint() + ")"));
        case Value::Kind::Dict: {
            const auto& d = object.dict();
            if (!d->isNamespace) {
                Value m = dictMethod(d, name);
                if (!m.isUndefined()) return m;
            }
            const Value* v = d->find(name);
            return v ? *v : Value::undefined("'" + object.typeName() + " object' has no attribute '" + name + "'");
        }
        case Value::Kind::String: return stringMethod(object.asString(), name, tlRenderer);
        default: return Value::undefined("'" + object.typeName() + " object' has no attribute '" + name + "'");
    }
}

static bool normalizeIndex(int64_t& index, size_t size) {
    if (index < 0) index += static_cast<int64_t>(size);
    return index >= 0 && index < static_cast<int64_t>(size);
}

Value getItem(const Value& object, const Value& key, int line) {
    switch (object.kind()) {
        case Value::Kind::Undefined:
            throw TemplateError(line, "cannot index an undefined value" +
                                          (object.undefinedHint().empty() ? "" : " (" + object.undefinedHint() + ")"));
        case Value::Kind::List:
            if (key.isInt() || key.isBool()) {
                int64_t i = key.asInt();
                const List& l = *object.list();
                return normalizeIndex(i, l.size()) ? l[static_cast<size_t>(i)] : Value::undefined("list index out of range");
            }
            break;
        case Value::Kind::String:
            if (key.isInt() || key.isBool()) {
                int64_t i = key.asInt();
                std::vector<std::string> cs = utf8Chars(object.asString());
                return normalizeIndex(i, cs.size()) ? Value(cs[static_cast<size_t>(i)]) : Value::undefined("string index out of range");
            }
            break;
        case Value::Kind::Dict:
            if (key.isString()) {
                const Value* v = object.dict()->find(key.asString());
                if (v) return *v;
            }
            break;
        default: break;
    }
    if (key.isString()) return getAttribute(object, key.asString(), line);
    return Value::undefined("no item " + key.repr());
}

Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step, int line) {
    if (object.isUndefined()) throw TemplateError(line, "cannot slice an undefined value");
    std::vector<Value> items;
    if (object.isList()) {
        items = *object.list();
    } else if (object.isString()) {
        for (auto& ch : utf8Chars(object.asString())) items.emplace_back(ch);
    } else {
        throw TemplateError(line, "cannot slice a value of type '" + object.typeName() + "'");
    }
    const int64_t n = static_cast<int64_t>(items.size());
    int64_t st = step.isNone() ? 1 : requireInt(step, "slice step", line);
    if (st == 0) throw TemplateError(line, "slice step cannot be zero");
    auto bound = [&](const Value& v, int64_t def) {
        if (v.isNone()) return def;
        int64_t i = requireInt(v, "slice index", line);
        if (i < 0) i += n;
        if (st > 0) return std::clamp<int64_t>(i, 0, n);
        return std::clamp<int64_t>(i, -1, n - 1);
    };
    int64_t b = bound(start, st > 0 ? 0 : n - 1);
    int64_t e = bound(stop, st > 0 ? n : -1);
    List out;
    for (int64_t i = b; st > 0 ? i < e : i > e; i += st) out.push_back(items[static_cast<size_t>(i)]);
    if (object.isList()) return Value(std::move(out));
    std::string s;
    for (const Value& v : out) s += v.asString();
    return Value(std::move(s));
}

Value callValue(Renderer& r, const Value& callee, CallArgs& args, int line) {
    if (callee.isUndefined())
        throw TemplateError(line, "cannot call an undefined value" +
                                      (callee.undefinedHint().empty() ? "" : " ('" + callee.undefinedHint() + "')"));
    if (!callee.isCallable()) throw TemplateError(line, "'" + callee.typeName() + "' object is not callable");
    (void)r;
    args.line = line;
    return callee.callable()->fn(args);
}

bool containsValue(const Value& container, const Value& item, int line) {
    switch (container.kind()) {
        case Value::Kind::Undefined: return false;
        case Value::Kind::String:
            return container.asString().find(requireString(item, "'in' on a string", line)) != std::string::npos;
        case Value::Kind::List:
            for (const Value& v : *container.list())
                if (valuesEqual(v, item)) return true;
            return false;
        case Value::Kind::Dict: return item.isString() && container.dict()->find(item.asString()) != nullptr;
        default: throw TemplateError(line, "argument of type '" + container.typeName() + "' is not iterable");
    }
}

static Value repeat(Renderer& r, const Value& seq, int64_t times, int line) {
    if (times < 0) times = 0;
    if (seq.isString()) {
        const std::string& s = seq.asString();
        if (!s.empty() && static_cast<uint64_t>(times) > r.limits.maxOutputBytes / s.size())
            throw TemplateError(line, "string repetition exceeds the limit of " + std::to_string(r.limits.maxOutputBytes) + " bytes");
        r.checkString(s.size() * static_cast<size_t>(times), line);
        std::string out;
        for (int64_t i = 0; i < times; ++i) out += s;
        return Value(std::move(out));
    }
    const List& l = *seq.list();
    if (!l.empty() && static_cast<uint64_t>(times) * l.size() > r.limits.maxIterations)
        throw TemplateError(line, "list repetition too large");
    List out;
    for (int64_t i = 0; i < times; ++i) out.insert(out.end(), l.begin(), l.end());
    return Value(std::move(out));
}

static Value arithmetic(const std::string& op, const Value& a, const Value& b, int line) {
    if (a.isFloat() || b.isFloat() || op == "/") {
        double x = a.asDouble(), y = b.asDouble();
        if (op == "+") return Value(x + y);
        if (op == "-") return Value(x - y);
        if (op == "*") return Value(x * y);
        if (op == "**") return Value(std::pow(x, y));
        if (y == 0) throw TemplateError(line, "division by zero");
        if (op == "/") return Value(x / y);
        if (op == "//") return Value(std::floor(x / y));
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value(m);
    }
    int64_t x = a.asInt(), y = b.asInt(), out = 0;
    bool overflow = false;
    if (op == "+") overflow = __builtin_add_overflow(x, y, &out);
    else if (op == "-") overflow = __builtin_sub_overflow(x, y, &out);
    else if (op == "*") overflow = __builtin_mul_overflow(x, y, &out);
    else if (op == "**") {
        if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
        out = 1;
        for (int64_t i = 0; i < y && !overflow; ++i) {
            overflow = __builtin_mul_overflow(out, x, &out);
            if (out == 0 || out == 1) break;
        }
        if (!overflow && x == -1) out = (y % 2) ? -1 : 1;
    } else {
        if (y == 0) throw TemplateError(line, "integer division or modulo by zero");
        if (x == INT64_MIN && y == -1) overflow = true;
        else if (op == "//") {
            out = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0))) --out;
        } else {
            out = x % y;
            if (out != 0 && ((out < 0) != (y < 0))) out += y;
        }
    }
    if (overflow) throw TemplateError(line, "integer overflow in '" + op + "'");
    return Value(out);
}

Value binaryOp(Renderer& r, const std::string& op, const Value& a, const Value& b, int line) {
    if (op == "~") {
        std::string s = a.str();
        std::string t = b.str();
        r.checkString(s.size() + t.size(), line);
        return Value(s + t);
    }
    if (a.isNumber() && b.isNumber()) return arithmetic(op, a, b, line);
    if (op == "+") {
        if (a.isString() && b.isString()) {
            r.checkString(a.asString().size() + b.asString().size(), line);
            return Value(a.asString() + b.asString());
        }
        if (a.isList() && b.isList()) {
            if (a.list()->size() + b.list()->size() > r.limits.maxIterations) throw TemplateError(line, "list too large");
            List out = *a.list();
            out.insert(out.end(), b.list()->begin(), b.list()->end());
            return Value(std::move(out));
        }
    }
    if (op == "*") {
        if ((a.isString() || a.isList()) && (b.isInt() || b.isBool())) return repeat(r, a, b.asInt(), line);
        if ((b.isString() || b.isList()) && (a.isInt() || a.isBool())) return repeat(r, b, a.asInt(), line);
    }
    if (a.isUndefined() || b.isUndefined()) {
        const Value& u = a.isUndefined() ? a : b;
        throw TemplateError(line, "operator '" + op + "' on an undefined value" +
                                      (u.undefinedHint().empty() ? "" : " ('" + u.undefinedHint() + "')"));
    }
    throw TemplateError(line, "unsupported operand types for " + op + ": '" + a.typeName() + "' and '" + b.typeName() + "'");
}

static Value makeRange(Renderer& r, CallArgs& a) {
    if (a.positional.empty() || a.positional.size() > 3) throw TemplateError(a.line, "range() takes 1 to 3 arguments");
    int64_t start = 0, stop, step = 1;
    if (a.positional.size() == 1) {
        stop = requireInt(a.positional[0], "range", a.line);
    } else {
        start = requireInt(a.positional[0], "range", a.line);
        stop = requireInt(a.positional[1], "range", a.line);
        if (a.positional.size() == 3) step = requireInt(a.positional[2], "range", a.line);
    }
    if (step == 0) throw TemplateError(a.line, "range() step must not be zero");
    double count = std::ceil((static_cast<double>(stop) - static_cast<double>(start)) / static_cast<double>(step));
    if (count > static_cast<double>(r.limits.maxIterations))
        throw TemplateError(a.line, "range() too large (limit " + std::to_string(r.limits.maxIterations) + " items)");
    List out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.emplace_back(i);
    return Value(std::move(out));
}

static Value makeNamespace(CallArgs& a, bool isNamespace) {
    auto d = std::make_shared<Dict>();
    d->isNamespace = isNamespace;
    for (const Value& p : a.positional) {
        if (!p.isDict()) throw TemplateError(a.line, std::string(isNamespace ? "namespace" : "dict") + "(): positional argument must be a mapping");
        for (const auto& [k, v] : p.dict()->items) d->set(k, v);
    }
    for (const auto& [k, v] : a.kwargs) d->set(k, v);
    return Value(d);
}

void installGlobals(Scope& scope, Renderer& r) {
    Renderer* rp = &r;
    scope.vars["range"] = method("range", [rp](CallArgs& a) { return makeRange(*rp, a); });
    scope.vars["namespace"] = method("namespace", [](CallArgs& a) { return makeNamespace(a, true); });
    scope.vars["dict"] = method("dict", [](CallArgs& a) { return makeNamespace(a, false); });
    scope.vars["raise_exception"] = method("raise_exception", [](CallArgs& a) -> Value {
        throw TemplateError(a.line, "template raised an error: " + argAt(a, 0, "message", Value("")).str());
    });
    scope.vars["strftime_now"] = method("strftime_now", [](CallArgs& a) {
        const std::string fmt = requireString(argAt(a, 0, "format", Value::none()), "strftime_now", a.line);
        std::time_t now = std::time(nullptr);
        std::tm tm{};
        localtime_r(&now, &tm);
        char buf[256];
        size_t n = fmt.size() < 64 ? std::strftime(buf, sizeof buf, fmt.c_str(), &tm) : 0;
        if (n == 0 && !fmt.empty()) throw TemplateError(a.line, "strftime_now: cannot format '" + fmt + "'");
        return Value(std::string(buf, n));
    });
    scope.vars["joiner"] = method("joiner", [](CallArgs& a) {
        std::string sep = argAt(a, 0, "sep", Value(", ")).str();
        auto used = std::make_shared<bool>(false);
        return method("joiner", [sep, used](CallArgs&) {
            if (!*used) { *used = true; return Value(""); }
            return Value(sep);
        });
    });
}

}  // namespace qe::jinja::detail
