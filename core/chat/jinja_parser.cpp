// Jinja parser: recursive descent over lexer tokens, with Jinja2's operator precedence
// (filters and tests bind tighter than arithmetic; `not` looser than comparisons).
#include <initializer_list>

#include "core/chat/jinja_ast.h"
#include "core/chat/jinja_lexer.h"

namespace qe::jinja::detail {
namespace {

template <class T>
std::unique_ptr<T> node(int line) {
    auto n = std::make_unique<T>();
    n->line = line;
    return n;
}

class Parser {
public:
    Parser(std::vector<Token> tokens, int maxDepth) : m_t(std::move(tokens)), m_maxDepth(maxDepth) {}

    std::shared_ptr<TemplateNodes> run() {
        auto nodes = std::make_shared<TemplateNodes>();
        std::string found;
        nodes->body = parseBody({}, found, 0);
        return nodes;
    }

private:
    struct DepthGuard {
        DepthGuard(Parser& p, int line) : p(p) {
            if (++p.m_depth > p.m_maxDepth)
                throw TemplateError(line, "template nested too deeply (limit " + std::to_string(p.m_maxDepth) + ")");
        }
        ~DepthGuard() { --p.m_depth; }
        Parser& p;
    };

    const Token& peek(size_t k = 0) const { return m_t[std::min(m_p + k, m_t.size() - 1)]; }
    const Token& next() {
        const Token& t = peek();
        if (m_p < m_t.size() - 1) ++m_p;
        return t;
    }
    bool isOp(const char* op, size_t k = 0) const { return peek(k).type == TokenType::Operator && peek(k).value == op; }
    bool isName(const char* name, size_t k = 0) const { return peek(k).type == TokenType::Name && peek(k).value == name; }
    bool skipOp(const char* op) { return isOp(op) ? (next(), true) : false; }
    bool skipName(const char* name) { return isName(name) ? (next(), true) : false; }

    static std::string describe(const Token& t) {
        switch (t.type) {
            case TokenType::Text: return "text";
            case TokenType::VarBegin: return "'{{'";
            case TokenType::VarEnd: return "'}}'";
            case TokenType::BlockBegin: return "'{%'";
            case TokenType::BlockEnd: return "'%}'";
            case TokenType::Name: return "'" + t.value + "'";
            case TokenType::String: return "string literal";
            case TokenType::Integer:
            case TokenType::Float: return "number " + t.value;
            case TokenType::Operator: return "'" + t.value + "'";
            case TokenType::End: return "end of template";
        }
        return "?";
    }
    [[noreturn]] void unexpected(const std::string& expected) const {
        throw TemplateError(peek().line, "expected " + expected + ", got " + describe(peek()));
    }
    void expectOp(const char* op) {
        if (!skipOp(op)) unexpected(std::string("'") + op + "'");
    }
    void expectBlockEnd() {
        if (peek().type != TokenType::BlockEnd) unexpected("'%}'");
        next();
    }
    std::string expectNameToken(const char* what) {
        if (peek().type != TokenType::Name) unexpected(what);
        return next().value;
    }

    // Parses statements until one of `endTags` opens a block tag; the tag name is stored in
    // `found` and consumed (the rest of that tag is left to the caller).
    Body parseBody(std::initializer_list<const char*> endTags, std::string& found, int openLine) {
        DepthGuard guard(*this, peek().line);
        Body body;
        for (;;) {
            const Token& t = peek();
            if (t.type == TokenType::End) {
                if (endTags.size() == 0) return body;
                throw TemplateError(t.line, "unexpected end of template: missing '{% " + std::string(*(endTags.end() - 1)) +
                                                " %}' for the block opened on line " + std::to_string(openLine));
            }
            if (t.type == TokenType::Text) {
                auto s = node<TextStmt>(t.line);
                s->text = t.value;
                body.push_back(std::move(s));
                next();
            } else if (t.type == TokenType::VarBegin) {
                next();
                auto s = node<OutputStmt>(t.line);
                s->expr = parseExpression();
                if (peek().type != TokenType::VarEnd) unexpected("'}}'");
                next();
                body.push_back(std::move(s));
            } else if (t.type == TokenType::BlockBegin) {
                if (peek(1).type == TokenType::Name) {
                    for (const char* end : endTags) {
                        if (peek(1).value == end) {
                            next();
                            found = next().value;
                            return body;
                        }
                    }
                }
                body.push_back(parseStatement());
            } else {
                unexpected("text or tag");
            }
        }
    }

    StmtPtr parseStatement() {
        const int line = next().line;  // '{%'
        if (peek().type != TokenType::Name) unexpected("a tag name");
        const std::string tag = next().value;
        if (tag == "if") return parseIf(line);
        if (tag == "for") return parseFor(line);
        if (tag == "set") return parseSet(line);
        if (tag == "macro") return parseMacro(line);
        if (tag == "break" || tag == "continue") {
            auto s = node<LoopControlStmt>(line);
            s->flow = tag == "break" ? Flow::Break : Flow::Continue;
            expectBlockEnd();
            return s;
        }
        if (tag == "generation" || tag == "filter") {
            auto s = node<GroupStmt>(line);
            if (tag == "filter") {
                do {
                    s->filters.push_back(parseFilterCall(nullptr));
                } while (skipOp("|"));
            }
            expectBlockEnd();
            std::string found;
            s->body = parseBody({tag == "filter" ? "endfilter" : "endgeneration"}, found, line);
            expectBlockEnd();
            return s;
        }
        static const char* const kUnsupported[] = {"include", "import", "from", "extends", "block", "call", "with", "do", "autoescape", "trans"};
        for (const char* u : kUnsupported)
            if (tag == u) throw TemplateError(line, "unsupported tag '" + tag + "'");
        throw TemplateError(line, "unknown tag '" + tag + "'");
    }

    StmtPtr parseIf(int line) {
        auto s = node<IfStmt>(line);
        ExprPtr cond = parseExpression();
        expectBlockEnd();
        for (;;) {
            std::string found;
            Body body = parseBody({"elif", "else", "endif"}, found, line);
            s->branches.emplace_back(std::move(cond), std::move(body));
            if (found == "elif") {
                cond = parseExpression();
                expectBlockEnd();
                continue;
            }
            expectBlockEnd();
            if (found == "else") {
                s->elseBody = parseBody({"endif"}, found, line);
                expectBlockEnd();
            }
            return s;
        }
    }

    std::vector<std::string> parseTargets() {
        std::vector<std::string> targets;
        bool paren = skipOp("(");
        do {
            targets.push_back(expectNameToken("a variable name"));
        } while (skipOp(","));
        if (paren) expectOp(")");
        return targets;
    }

    StmtPtr parseFor(int line) {
        auto s = node<ForStmt>(line);
        s->targets = parseTargets();
        if (!skipName("in")) unexpected("'in'");
        s->iterable = parseExpression(false);
        if (skipName("if")) s->filter = parseExpression();
        if (isName("recursive")) throw TemplateError(line, "unsupported: recursive for loops");
        expectBlockEnd();
        std::string found;
        s->body = parseBody({"else", "endfor"}, found, line);
        expectBlockEnd();
        if (found == "else") {
            s->elseBody = parseBody({"endfor"}, found, line);
            expectBlockEnd();
        }
        return s;
    }

    StmtPtr parseSet(int line) {
        auto s = node<SetStmt>(line);
        s->targets.push_back(expectNameToken("a variable name"));
        if (skipOp(".")) {
            s->attribute = true;
            s->targets.push_back(expectNameToken("an attribute name"));
        } else {
            while (skipOp(",")) s->targets.push_back(expectNameToken("a variable name"));
        }
        if (skipOp("=")) {
            s->value = parseTuple();
            expectBlockEnd();
            return s;
        }
        if (s->targets.size() != 1 || s->attribute) unexpected("'='");
        while (skipOp("|")) s->filters.push_back(parseFilterCall(nullptr));
        expectBlockEnd();
        std::string found;
        s->body = parseBody({"endset"}, found, line);
        expectBlockEnd();
        return s;
    }

    StmtPtr parseMacro(int line) {
        auto s = node<MacroStmt>(line);
        s->name = expectNameToken("a macro name");
        expectOp("(");
        while (!isOp(")")) {
            std::string param = expectNameToken("a parameter name");
            ExprPtr def;
            if (skipOp("=")) def = parseExpression();
            s->params.emplace_back(std::move(param), std::move(def));
            if (!skipOp(",")) break;
        }
        expectOp(")");
        expectBlockEnd();
        std::string found;
        s->body = parseBody({"endmacro"}, found, line);
        expectBlockEnd();
        return s;
    }

    // `a, b` without parentheses makes a tuple (list) value: used by `set x = 1, 2`.
    ExprPtr parseTuple() {
        const int line = peek().line;
        ExprPtr first = parseExpression();
        if (!isOp(",")) return first;
        auto list = node<ListExpr>(line);
        list->items.push_back(std::move(first));
        while (skipOp(",")) {
            if (peek().type == TokenType::BlockEnd) break;
            list->items.push_back(parseExpression());
        }
        return list;
    }

    ExprPtr parseExpression(bool withCondition = true) {
        DepthGuard guard(*this, peek().line);
        if (!withCondition) return parseOr();
        ExprPtr expr = parseOr();
        while (isName("if")) {
            const int line = next().line;
            auto c = node<CondExpr>(line);
            c->condition = parseOr();
            if (skipName("else")) c->otherwise = parseExpression();
            c->then = std::move(expr);
            expr = std::move(c);
        }
        return expr;
    }

    ExprPtr binary(const std::string& op, ExprPtr left, ExprPtr right, int line) {
        auto b = node<BinaryExpr>(line);
        b->op = op;
        b->left = std::move(left);
        b->right = std::move(right);
        return b;
    }

    ExprPtr parseOr() {
        ExprPtr left = parseAnd();
        while (isName("or")) {
            int line = next().line;
            left = binary("or", std::move(left), parseAnd(), line);
        }
        return left;
    }
    ExprPtr parseAnd() {
        ExprPtr left = parseNot();
        while (isName("and")) {
            int line = next().line;
            left = binary("and", std::move(left), parseNot(), line);
        }
        return left;
    }
    ExprPtr parseNot() {
        if (isName("not")) {
            DepthGuard guard(*this, peek().line);
            auto u = node<UnaryExpr>(next().line);
            u->op = "not";
            u->operand = parseNot();
            return u;
        }
        return parseCompare();
    }
    ExprPtr parseCompare() {
        const int line = peek().line;
        ExprPtr first = parseMath1();
        std::vector<std::pair<std::string, ExprPtr>> rest;
        for (;;) {
            const Token& t = peek();
            if (t.type == TokenType::Operator &&
                (t.value == "==" || t.value == "!=" || t.value == "<" || t.value == ">" || t.value == "<=" || t.value == ">=")) {
                std::string op = next().value;
                rest.emplace_back(op, parseMath1());
            } else if (isName("in")) {
                next();
                rest.emplace_back("in", parseMath1());
            } else if (isName("not") && isName("in", 1)) {
                next();
                next();
                rest.emplace_back("notin", parseMath1());
            } else {
                break;
            }
        }
        if (rest.empty()) return first;
        auto c = node<CompareExpr>(line);
        c->first = std::move(first);
        c->rest = std::move(rest);
        return c;
    }
    ExprPtr parseMath1() {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const Token& t = next();
            left = binary(t.value, std::move(left), parseConcat(), t.line);
        }
        return left;
    }
    ExprPtr parseConcat() {
        ExprPtr left = parseMath2();
        while (isOp("~")) {
            int line = next().line;
            left = binary("~", std::move(left), parseMath2(), line);
        }
        return left;
    }
    ExprPtr parseMath2() {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token& t = next();
            left = binary(t.value, std::move(left), parsePow(), t.line);
        }
        return left;
    }
    ExprPtr parsePow() {
        ExprPtr left = parseUnary(true);
        while (isOp("**")) {
            int line = next().line;
            left = binary("**", std::move(left), parseUnary(true), line);
        }
        return left;
    }
    ExprPtr parseUnary(bool withFilter) {
        DepthGuard guard(*this, peek().line);
        ExprPtr expr;
        if (isOp("-") || isOp("+")) {
            auto u = node<UnaryExpr>(peek().line);
            u->op = next().value;
            u->operand = parseUnary(false);
            expr = std::move(u);
        } else {
            expr = parsePrimary();
        }
        expr = parsePostfix(std::move(expr));
        if (withFilter) expr = parseFilterAndTests(std::move(expr));
        return expr;
    }

    ExprPtr parsePrimary() {
        const Token& t = peek();
        const int line = t.line;
        switch (t.type) {
            case TokenType::Name: {
                std::string name = next().value;
                auto lit = node<Literal>(line);
                if (name == "true" || name == "True") lit->value = Value(true);
                else if (name == "false" || name == "False") lit->value = Value(false);
                else if (name == "none" || name == "None") lit->value = Value::none();
                else {
                    auto n = node<NameExpr>(line);
                    n->name = std::move(name);
                    return n;
                }
                return lit;
            }
            case TokenType::String: {
                std::string s = next().value;
                while (peek().type == TokenType::String) s += next().value;
                auto lit = node<Literal>(line);
                lit->value = Value(std::move(s));
                return lit;
            }
            case TokenType::Integer:
            case TokenType::Float: {
                auto lit = node<Literal>(line);
                std::string text = next().value;
                if (t.type == TokenType::Float) {
                    lit->value = Value(std::strtod(text.c_str(), nullptr));
                } else {
                    errno = 0;
                    long long v = std::strtoll(text.c_str(), nullptr, 10);
                    if (errno == ERANGE) throw TemplateError(line, "integer literal out of range: " + text);
                    lit->value = Value(static_cast<int64_t>(v));
                }
                return lit;
            }
            case TokenType::Operator:
                if (t.value == "(") return parseParen();
                if (t.value == "[") return parseList();
                if (t.value == "{") return parseDict();
                break;
            default: break;
        }
        unexpected("an expression");
    }

    ExprPtr parseParen() {
        const int line = next().line;
        if (skipOp(")")) return node<ListExpr>(line);  // empty tuple
        ExprPtr first = parseExpression();
        if (!isOp(",")) {
            expectOp(")");
            return first;
        }
        auto list = node<ListExpr>(line);
        list->items.push_back(std::move(first));
        while (skipOp(",")) {
            if (isOp(")")) break;
            list->items.push_back(parseExpression());
        }
        expectOp(")");
        return list;
    }
    ExprPtr parseList() {
        auto list = node<ListExpr>(next().line);
        while (!isOp("]")) {
            list->items.push_back(parseExpression());
            if (!skipOp(",")) break;
        }
        expectOp("]");
        return list;
    }
    ExprPtr parseDict() {
        auto dict = node<DictExpr>(next().line);
        while (!isOp("}")) {
            ExprPtr key = parseExpression();
            expectOp(":");
            dict->items.emplace_back(std::move(key), parseExpression());
            if (!skipOp(",")) break;
        }
        expectOp("}");
        return dict;
    }

    ExprPtr parsePostfix(ExprPtr expr) {
        for (;;) {
            const int line = peek().line;
            if (skipOp(".")) {
                if (peek().type == TokenType::Integer) {
                    auto item = node<GetItem>(line);
                    auto lit = node<Literal>(line);
                    lit->value = Value(static_cast<int64_t>(std::strtoll(next().value.c_str(), nullptr, 10)));
                    item->object = std::move(expr);
                    item->index = std::move(lit);
                    expr = std::move(item);
                    continue;
                }
                auto attr = node<GetAttr>(line);
                attr->object = std::move(expr);
                attr->name = expectNameToken("an attribute name");
                expr = std::move(attr);
            } else if (skipOp("[")) {
                expr = parseSubscript(std::move(expr), line);
            } else if (isOp("(")) {
                auto call = node<CallExpr>(line);
                call->callee = std::move(expr);
                call->args = parseCallArgs();
                expr = std::move(call);
            } else {
                return expr;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr object, int line) {
        ExprPtr start, stop, step;
        if (!isOp(":")) start = parseExpression();
        if (!skipOp(":")) {
            expectOp("]");
            auto item = node<GetItem>(line);
            item->object = std::move(object);
            item->index = std::move(start);
            return item;
        }
        if (!isOp("]") && !isOp(":")) stop = parseExpression();
        if (skipOp(":") && !isOp("]")) step = parseExpression();
        expectOp("]");
        auto slice = node<SliceExpr>(line);
        slice->object = std::move(object);
        slice->start = std::move(start);
        slice->stop = std::move(stop);
        slice->step = std::move(step);
        return slice;
    }

    Arguments parseCallArgs() {
        expectOp("(");
        Arguments args;
        while (!isOp(")")) {
            if (isOp("*") || isOp("**")) throw TemplateError(peek().line, "unsupported: *args / **kwargs in calls");
            if (peek().type == TokenType::Name && isOp("=", 1)) {
                std::string name = next().value;
                next();
                args.keyword.emplace_back(std::move(name), parseExpression());
            } else {
                if (!args.keyword.empty())
                    throw TemplateError(peek().line, "positional argument follows keyword argument");
                args.positional.push_back(parseExpression());
            }
            if (!skipOp(",")) break;
        }
        expectOp(")");
        return args;
    }

    std::unique_ptr<FilterExpr> parseFilterCall(ExprPtr value) {
        const int line = peek().line;
        std::string name = expectNameToken("a filter name");
        while (isOp(".") && peek(1).type == TokenType::Name) {
            next();
            name += "." + next().value;
        }
        if (!isKnownFilter(name)) throw TemplateError(line, "unknown filter '" + name + "'");
        auto f = node<FilterExpr>(line);
        f->value = std::move(value);
        f->name = std::move(name);
        if (isOp("(")) f->args = parseCallArgs();
        return f;
    }

    ExprPtr parseFilterAndTests(ExprPtr expr) {
        for (;;) {
            if (skipOp("|")) {
                expr = parseFilterCall(std::move(expr));
            } else if (isName("is")) {
                const int line = next().line;
                auto test = node<TestExpr>(line);
                test->negated = skipName("not");
                test->name = expectNameToken("a test name");
                if (!isKnownTest(test->name)) throw TemplateError(line, "unknown test '" + test->name + "'");
                test->value = std::move(expr);
                if (isOp("(")) {
                    test->args = parseCallArgs();
                } else if ((peek().type == TokenType::Name || peek().type == TokenType::String ||
                            peek().type == TokenType::Integer || peek().type == TokenType::Float || isOp("[") ||
                            isOp("{")) &&
                           !isName("else") && !isName("or") && !isName("and") && !isName("if") && !isName("in") &&
                           !isName("not")) {
                    if (isName("is")) throw TemplateError(peek().line, "cannot chain tests with 'is'");
                    test->args.positional.push_back(parsePostfix(parsePrimary()));
                }
                expr = std::move(test);
            } else if (isOp("(")) {
                const int line = peek().line;
                auto call = node<CallExpr>(line);
                call->callee = std::move(expr);
                call->args = parseCallArgs();
                expr = std::move(call);
            } else {
                return expr;
            }
        }
    }

    std::vector<Token> m_t;
    size_t m_p = 0;
    int m_depth = 0;
    int m_maxDepth;
};

}  // namespace

std::shared_ptr<TemplateNodes> parseTokens(std::vector<Token> tokens, int maxNestingDepth) {
    return Parser(std::move(tokens), maxNestingDepth).run();
}

}  // namespace qe::jinja::detail
