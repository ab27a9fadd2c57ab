// Jinja evaluator: statements and expressions over Values, with Jinja2 scoping (a fresh scope per
// loop iteration and macro call; `set` inside `if` stays in the enclosing scope) and sandbox limits.
#include <cerrno>

#include "core/chat/jinja_ast.h"
#include "core/chat/jinja_builtins_util.h"
#include "core/chat/jinja_lexer.h"

namespace qe::jinja::detail {

Value* Scope::lookup(const std::string& name) {
    for (Scope* s = this; s; s = s->parent.get()) {
        auto it = s->vars.find(name);
        if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
}

Renderer::~Renderer() {
    for (const auto& weak : mutatedNamespaces) {
        if (std::shared_ptr<Dict> d = weak.lock()) {
            auto items = std::move(d->items);
            d->items.clear();
        }
    }
}

void Renderer::write(const std::string& text, int line) {
    if (out->size() + text.size() > limits.maxOutputBytes)
        throw TemplateError(line, "output exceeds the limit of " + std::to_string(limits.maxOutputBytes) + " bytes");
    out->append(text);
}

void Renderer::countIteration(int line) {
    if (++iterations > limits.maxIterations)
        throw TemplateError(line, "too many loop iterations (limit " + std::to_string(limits.maxIterations) + ")");
}

void Renderer::checkString(size_t bytes, int line) {
    if (bytes > limits.maxOutputBytes)
        throw TemplateError(line, "string exceeds the limit of " + std::to_string(limits.maxOutputBytes) + " bytes");
    work += bytes;
    if (work > limits.maxWorkBytes)
        throw TemplateError(line, "template builds too much text (limit " + std::to_string(limits.maxWorkBytes) + " bytes)");
}

namespace {

// Pushes a child scope for the lifetime of the guard.
struct ScopeGuard {
    ScopeGuard(Renderer& r, std::shared_ptr<Scope> parent) : r(r), saved(r.scope) {
        auto s = std::make_shared<Scope>();
        s->parent = std::move(parent);
        r.scope = std::move(s);
    }
    ~ScopeGuard() { r.scope = saved; }
    Renderer& r;
    std::shared_ptr<Scope> saved;
};

// Redirects output into `buffer` for the lifetime of the guard.
struct CaptureGuard {
    CaptureGuard(Renderer& r, std::string& buffer) : r(r), saved(r.out) { r.out = &buffer; }
    ~CaptureGuard() { r.out = saved; }
    Renderer& r;
    std::string* saved;
};

void assignTargets(Renderer& r, const std::vector<std::string>& targets, const Value& value, int line) {
    if (targets.size() == 1) {
        r.scope->vars[targets[0]] = value;
        return;
    }
    std::vector<Value> items;
    if (value.isList()) {
        items = *value.list();
    } else if (value.isString()) {
        for (auto& ch : utf8Chars(value.asString())) items.emplace_back(ch);
    } else {
        throw TemplateError(line, "cannot unpack a value of type '" + value.typeName() + "'");
    }
    if (items.size() != targets.size())
        throw TemplateError(line, "cannot unpack " + std::to_string(items.size()) + " values into " +
                                      std::to_string(targets.size()) + " names");
    for (size_t i = 0; i < targets.size(); ++i) r.scope->vars[targets[i]] = items[i];
}

}  // namespace

Flow execBody(const Body& body, Renderer& r) {
    for (const auto& stmt : body) {
        Flow f = stmt->exec(r);
        if (f != Flow::Normal) return f;
    }
    return Flow::Normal;
}

Flow TextStmt::exec(Renderer& r) const {
    r.write(text, line);
    return Flow::Normal;
}

Flow OutputStmt::exec(Renderer& r) const {
    r.write(expr->eval(r).str(), line);
    return Flow::Normal;
}

Flow IfStmt::exec(Renderer& r) const {
    for (const auto& [cond, body] : branches)
        if (cond->eval(r).truthy()) return execBody(body, r);
    return execBody(elseBody, r);
}

Flow ForStmt::exec(Renderer& r) const {
    std::vector<Value> items = iterableItems(iterable->eval(r), {}, line);
    if (filter) {
        std::vector<Value> kept;
        for (const Value& item : items) {
            r.countIteration(line);
            ScopeGuard guard(r, r.scope);
            assignTargets(r, targets, item, line);
            if (filter->eval(r).truthy()) kept.push_back(item);
        }
        items = std::move(kept);
    }
    if (items.empty()) return execBody(elseBody, r);
    const std::shared_ptr<Scope> outer = r.scope;
    const int64_t n = static_cast<int64_t>(items.size());
    // One loop object per loop, updated in place each iteration (as Jinja2's LoopContext).
    auto loop = std::make_shared<Dict>();
    auto index = std::make_shared<int64_t>(0);
    for (const char* key : {"index", "index0", "revindex", "revindex0", "first", "last", "previtem", "nextitem"})
        loop->items.emplace_back(key, Value());
    loop->items.emplace_back("length", Value(n));
    loop->items.emplace_back("depth", Value(1));
    loop->items.emplace_back("depth0", Value(0));
    auto cycle = std::make_shared<Callable>();
    cycle->name = "loop.cycle";
    cycle->fn = [index](CallArgs& args) -> Value {
        if (args.positional.empty()) throw TemplateError(args.line, "loop.cycle() needs at least one argument");
        return args.positional[static_cast<size_t>(*index) % args.positional.size()];
    };
    loop->items.emplace_back("cycle", Value(cycle));
    for (int64_t i = 0; i < n; ++i) {
        r.countIteration(line);
        ScopeGuard guard(r, outer);
        *index = i;
        auto& li = loop->items;
        li[0].second = Value(i + 1);
        li[1].second = Value(i);
        li[2].second = Value(n - i);
        li[3].second = Value(n - i - 1);
        li[4].second = Value(i == 0);
        li[5].second = Value(i == n - 1);
        li[6].second = i > 0 ? items[static_cast<size_t>(i - 1)] : Value::undefined("loop.previtem");
        li[7].second = i + 1 < n ? items[static_cast<size_t>(i + 1)] : Value::undefined("loop.nextitem");
        r.scope->vars["loop"] = Value(loop);
        assignTargets(r, targets, items[static_cast<size_t>(i)], line);
        if (execBody(body, r) == Flow::Break) break;
    }
    return Flow::Normal;
}

Flow SetStmt::exec(Renderer& r) const {
    Value v;
    if (value) {
        v = value->eval(r);
    } else {
        std::string captured;
        {
            CaptureGuard capture(r, captured);
            execBody(body, r);
        }
        v = Value(std::move(captured));
        for (const auto& f : filters) v = f->apply(r, v);
    }
    if (attribute) {
        Value* ns = r.scope->lookup(targets[0]);
        if (!ns || !ns->isDict() || !ns->dict()->isNamespace)
            throw TemplateError(line, "cannot assign attribute '" + targets[1] + "' on '" + targets[0] +
                                          "': only namespace() objects allow attribute assignment");
        const std::shared_ptr<Dict>& target = ns->dict();
        if (!target->mutated) {
            target->mutated = true;
            r.mutatedNamespaces.push_back(target);
        }
        target->set(targets[1], std::move(v));
        return Flow::Normal;
    }
    assignTargets(r, targets, v, line);
    return Flow::Normal;
}

Flow MacroStmt::exec(Renderer& r) const {
    auto callable = std::make_shared<Callable>();
    callable->name = name;
    std::weak_ptr<Scope> weakDefScope = r.scope;  // the defining scope outlives every call during a render
    Renderer* renderer = &r;
    const MacroStmt* self = this;
    callable->fn = [renderer, self, weakDefScope](CallArgs& args) -> Value {
        Renderer& rr = *renderer;
        rr.countIteration(args.line);
        if (rr.depth >= rr.limits.maxCallDepth)
            throw TemplateError(args.line, "macro '" + self->name + "': recursion deeper than " +
                                               std::to_string(rr.limits.maxCallDepth));
        if (args.positional.size() > self->params.size())
            throw TemplateError(args.line, "macro '" + self->name + "' takes " + std::to_string(self->params.size()) +
                                               " arguments, got " + std::to_string(args.positional.size()));
        std::shared_ptr<Scope> defScope = weakDefScope.lock();
        ScopeGuard guard(rr, defScope);
        for (size_t i = 0; i < self->params.size(); ++i) {
            const auto& [param, def] = self->params[i];
            Value v = Value::undefined(param);
            if (i < args.positional.size()) v = args.positional[i];
            else if (def) v = def->eval(rr);
            rr.scope->vars[param] = v;
        }
        auto kwargs = std::make_shared<Dict>();
        for (auto& [k, v] : args.kwargs) {
            bool isParam = false;
            for (const auto& p : self->params) isParam = isParam || p.first == k;
            if (isParam) rr.scope->vars[k] = v;
            else kwargs->set(k, v);
        }
        rr.scope->vars["kwargs"] = Value(kwargs);
        List varargs;
        for (size_t i = self->params.size(); i < args.positional.size(); ++i) varargs.push_back(args.positional[i]);
        rr.scope->vars["varargs"] = Value(std::move(varargs));
        std::string captured;
        ++rr.depth;
        try {
            CaptureGuard capture(rr, captured);
            execBody(self->body, rr);
        } catch (...) {
            --rr.depth;
            throw;
        }
        --rr.depth;
        return Value(std::move(captured));
    };
    r.scope->vars[name] = Value(callable);
    return Flow::Normal;
}

Flow LoopControlStmt::exec(Renderer&) const { return flow; }

Flow GroupStmt::exec(Renderer& r) const {
    if (filters.empty()) return execBody(body, r);
    std::string captured;
    Flow f;
    {
        CaptureGuard capture(r, captured);
        f = execBody(body, r);
    }
    Value v(std::move(captured));
    for (const auto& filter : filters) v = filter->apply(r, v);
    r.write(v.str(), line);
    return f;
}

Value Literal::eval(Renderer&) const { return value; }

Value NameExpr::eval(Renderer& r) const {
    Value* v = r.scope->lookup(name);
    return v ? *v : Value::undefined(name);
}

Value ListExpr::eval(Renderer& r) const {
    List list;
    list.reserve(items.size());
    for (const auto& item : items) list.push_back(item->eval(r));
    return Value(std::move(list));
}

Value DictExpr::eval(Renderer& r) const {
    auto dict = std::make_shared<Dict>();
    for (const auto& [k, v] : items) {
        Value key = k->eval(r);
        dict->set(key.isString() ? key.asString() : key.str(), v->eval(r));
    }
    return Value(dict);
}

Value GetAttr::eval(Renderer& r) const { return getAttribute(object->eval(r), name, line); }

Value GetItem::eval(Renderer& r) const { return getItem(object->eval(r), index->eval(r), line); }

Value SliceExpr::eval(Renderer& r) const {
    Value obj = object->eval(r);
    return sliceValue(obj, start ? start->eval(r) : Value::none(), stop ? stop->eval(r) : Value::none(),
                      step ? step->eval(r) : Value::none(), line);
}

CallArgs Arguments::eval(Renderer& r, int line) const {
    CallArgs args;
    args.line = line;
    for (const auto& p : positional) args.positional.push_back(p->eval(r));
    for (const auto& [k, v] : keyword) args.kwargs.emplace_back(k, v->eval(r));
    return args;
}

Value CallExpr::eval(Renderer& r) const {
    Value fn = callee->eval(r);
    CallArgs a = args.eval(r, line);
    return callValue(r, fn, a, line);
}

Value FilterExpr::apply(Renderer& r, Value input) const {
    CallArgs a = args.eval(r, line);
    return applyFilter(r, name, input, a, line);
}

Value FilterExpr::eval(Renderer& r) const { return apply(r, value->eval(r)); }

Value TestExpr::eval(Renderer& r) const {
    Value v = value->eval(r);
    CallArgs a = args.eval(r, line);
    bool result = applyTest(r, name, v, a, line);
    return Value(negated ? !result : result);
}

Value UnaryExpr::eval(Renderer& r) const {
    Value v = operand->eval(r);
    if (op == "not") return Value(!v.truthy());
    if (v.isInt() || v.isBool()) return Value(op == "-" ? -v.asInt() : v.asInt());
    if (v.isFloat()) return Value(op == "-" ? -v.asDouble() : v.asDouble());
    throw TemplateError(line, "bad operand type for unary " + op + ": '" + v.typeName() + "'");
}

Value BinaryExpr::eval(Renderer& r) const {
    if (op == "and") {
        Value a = left->eval(r);
        return a.truthy() ? right->eval(r) : a;
    }
    if (op == "or") {
        Value a = left->eval(r);
        return a.truthy() ? a : right->eval(r);
    }
    Value a = left->eval(r);
    Value b = right->eval(r);
    return binaryOp(r, op, a, b, line);
}

Value CompareExpr::eval(Renderer& r) const {
    Value a = first->eval(r);
    for (const auto& [op, expr] : rest) {
        Value b = expr->eval(r);
        bool ok;
        if (op == "==") ok = valuesEqual(a, b);
        else if (op == "!=") ok = !valuesEqual(a, b);
        else if (op == "in") ok = containsValue(b, a, line);
        else if (op == "notin") ok = !containsValue(b, a, line);
        else {
            int c = compareValues(a, b, line);
            ok = op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
        }
        if (!ok) return Value(false);
        a = std::move(b);
    }
    return Value(true);
}

Value CondExpr::eval(Renderer& r) const {
    if (condition->eval(r).truthy()) return then->eval(r);
    return otherwise ? otherwise->eval(r) : Value::undefined();
}

}  // namespace qe::jinja::detail

namespace qe::jinja {

static Error templateError(const detail::TemplateError& e) {
    std::string msg = e.line > 0 ? "line " + std::to_string(e.line) + ": " + e.what() : e.what();
    return makeError(ErrorCode::InvalidArgument, std::move(msg));
}

Result<Template> Template::parse(std::string_view source, Limits limits) {
    // Jinja2 default keep_trailing_newline=False: one trailing newline is dropped.
    if (!source.empty() && source.back() == '\n') source.remove_suffix(1);
    Template t;
    t.m_limits = limits;
    try {
        t.m_nodes = detail::parseTokens(detail::tokenize(source), limits.maxNestingDepth);
    } catch (const detail::TemplateError& e) {
        return templateError(e);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while parsing the template");
    }
    return t;
}

Result<std::string> Template::render(const nlohmann::ordered_json& context) const {
    if (!m_nodes) return makeError(ErrorCode::InvalidArgument, "template was not parsed");
    if (!context.is_object() && !context.is_null())
        return makeError(ErrorCode::InvalidArgument, "template context must be a JSON object");
    std::string out;
    detail::Renderer r;
    r.limits = m_limits;
    r.out = &out;
    struct CurrentRenderer {
        detail::Renderer* saved;
        ~CurrentRenderer() { detail::setCurrentRenderer(saved); }
    } current{detail::setCurrentRenderer(&r)};
    try {
        auto globals = std::make_shared<detail::Scope>();
        detail::installGlobals(*globals, r);
        r.scope = std::make_shared<detail::Scope>();
        r.scope->parent = globals;
        if (context.is_object())
            for (auto it = context.begin(); it != context.end(); ++it) r.scope->vars[it.key()] = detail::fromJson(it.value());
        detail::execBody(m_nodes->body, r);
    } catch (const detail::TemplateError& e) {
        return templateError(e);
    } catch (const std::bad_alloc&) {
        return makeError(ErrorCode::OutOfMemory, "out of memory while rendering the template");
    }
    return out;
}

}  // namespace qe::jinja
