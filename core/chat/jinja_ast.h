// Jinja syntax tree and the render state it is evaluated against (internal to qe_chat).
// Expressions evaluate to Values; statements write to the renderer's output.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/chat/jinja_template.h"
#include "core/chat/jinja_value.h"

namespace qe::jinja::detail {

struct Scope {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Scope> parent;

    Value* lookup(const std::string& name);
};

// Mutable state of one render call. Owns nothing of the template.
struct Renderer {
    Limits limits;
    std::string* out = nullptr;
    std::shared_ptr<Scope> scope;
    uint64_t iterations = 0;  // loop iterations and macro calls so far
    uint64_t work = 0;        // bytes of strings built so far
    int depth = 0;            // macro call depth
    // Namespaces changed by `{% set ns.attr = ... %}`: the only way a template can make a value
    // refer to itself (`{% set ns.me = ns %}`), so the only place a shared_ptr cycle can start.
    // The destructor empties those still alive, which breaks every cycle the render made.
    std::vector<std::weak_ptr<Dict>> mutatedNamespaces;

    Renderer() = default;
    Renderer(const Renderer&) = delete;
    Renderer& operator=(const Renderer&) = delete;
    ~Renderer();

    void write(const std::string& text, int line);
    void countIteration(int line);
    // Charges `bytes` of string building against the work budget and the size limit.
    void checkString(size_t bytes, int line);
};

enum class Flow { Normal, Break, Continue };

struct Expr {
    int line = 0;
    virtual ~Expr() = default;
    virtual Value eval(Renderer& r) const = 0;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Stmt {
    int line = 0;
    virtual ~Stmt() = default;
    virtual Flow exec(Renderer& r) const = 0;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

Flow execBody(const Body& body, Renderer& r);

struct Literal : Expr {
    Value value;
    Value eval(Renderer& r) const override;
};
struct NameExpr : Expr {
    std::string name;
    Value eval(Renderer& r) const override;
};
struct ListExpr : Expr {
    std::vector<ExprPtr> items;
    Value eval(Renderer& r) const override;
};
struct DictExpr : Expr {
    std::vector<std::pair<ExprPtr, ExprPtr>> items;
    Value eval(Renderer& r) const override;
};
struct GetAttr : Expr {
    ExprPtr object;
    std::string name;
    Value eval(Renderer& r) const override;
};
struct GetItem : Expr {
    ExprPtr object;
    ExprPtr index;
    Value eval(Renderer& r) const override;
};
struct SliceExpr : Expr {
    ExprPtr object, start, stop, step;  // start/stop/step may be null
    Value eval(Renderer& r) const override;
};
struct Arguments {
    std::vector<ExprPtr> positional;
    std::vector<std::pair<std::string, ExprPtr>> keyword;
    CallArgs eval(Renderer& r, int line) const;
};
struct CallExpr : Expr {
    ExprPtr callee;
    Arguments args;
    Value eval(Renderer& r) const override;
};
struct FilterExpr : Expr {
    ExprPtr value;  // null inside a {% filter %} block: the block's text is the input
    std::string name;
    Arguments args;
    Value eval(Renderer& r) const override;
    Value apply(Renderer& r, Value input) const;
};
struct TestExpr : Expr {
    ExprPtr value;
    std::string name;
    Arguments args;
    bool negated = false;
    Value eval(Renderer& r) const override;
};
struct UnaryExpr : Expr {
    std::string op;  // "not", "-", "+"
    ExprPtr operand;
    Value eval(Renderer& r) const override;
};
struct BinaryExpr : Expr {
    std::string op;  // and or + - * / // % ** ~
    ExprPtr left, right;
    Value eval(Renderer& r) const override;
};
struct CompareExpr : Expr {
    ExprPtr first;
    std::vector<std::pair<std::string, ExprPtr>> rest;  // == != < > <= >= in notin
    Value eval(Renderer& r) const override;
};
struct CondExpr : Expr {
    ExprPtr condition, then, otherwise;  // otherwise may be null (undefined)
    Value eval(Renderer& r) const override;
};

struct TextStmt : Stmt {
    std::string text;
    Flow exec(Renderer& r) const override;
};
struct OutputStmt : Stmt {
    ExprPtr expr;
    Flow exec(Renderer& r) const override;
};
struct IfStmt : Stmt {
    std::vector<std::pair<ExprPtr, Body>> branches;
    Body elseBody;
    Flow exec(Renderer& r) const override;
};
struct ForStmt : Stmt {
    std::vector<std::string> targets;
    ExprPtr iterable;
    ExprPtr filter;  // `for x in xs if cond`
    Body body, elseBody;
    Flow exec(Renderer& r) const override;
};
struct SetStmt : Stmt {
    std::vector<std::string> targets;  // one name, several for tuple unpacking, or {ns, attr}
    bool attribute = false;            // `set ns.attr = ...`
    ExprPtr value;                     // null for a block set
    Body body;                         // block set
    std::vector<std::unique_ptr<FilterExpr>> filters;  // `{% set x | upper %}`
    Flow exec(Renderer& r) const override;
};
struct MacroStmt : Stmt {
    std::string name;
    std::vector<std::pair<std::string, ExprPtr>> params;  // default may be null
    Body body;
    Flow exec(Renderer& r) const override;
};
struct LoopControlStmt : Stmt {
    Flow flow = Flow::Break;
    Flow exec(Renderer& r) const override;
};
struct GroupStmt : Stmt {  // {% generation %} and {% filter %} blocks
    Body body;
    std::vector<std::unique_ptr<FilterExpr>> filters;
    Flow exec(Renderer& r) const override;
};

// Built-ins (jinja_builtins.cpp).
bool isKnownFilter(const std::string& name);
bool isKnownTest(const std::string& name);
Value applyFilter(Renderer& r, const std::string& name, const Value& input, CallArgs& args, int line);
bool applyTest(Renderer& r, const std::string& name, const Value& input, CallArgs& args, int line);
Value getAttribute(const Value& object, const std::string& name, int line);
Value getItem(const Value& object, const Value& key, int line);
Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step, int line);
Value callValue(Renderer& r, const Value& callee, CallArgs& args, int line);
void installGlobals(Scope& scope, Renderer& r);
Value binaryOp(Renderer& r, const std::string& op, const Value& a, const Value& b, int line);
bool containsValue(const Value& container, const Value& item, int line);

}  // namespace qe::jinja::detail

namespace qe::jinja::detail {

struct Token;

// The parsed template: owned by Template through a shared_ptr, immutable after parsing.
struct TemplateNodes {
    Body body;
};

// Builds the tree from lexer tokens (jinja_parser.cpp). Throws TemplateError naming the line.
std::shared_ptr<TemplateNodes> parseTokens(std::vector<Token> tokens, int maxNestingDepth);

}  // namespace qe::jinja::detail
