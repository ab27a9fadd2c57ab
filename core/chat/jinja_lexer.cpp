// Jinja lexer: text/tag splitting with Jinja2's whitespace rules, then expression tokens.
#include "core/chat/jinja_lexer.h"

#include <cctype>

#include "core/chat/jinja_value.h"

namespace qe::jinja::detail {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Lexer {
public:
    explicit Lexer(std::string_view src) : m_src(src) {}

    std::vector<Token> run() {
        while (m_pos < m_src.size()) {
            size_t tag = findTagStart(m_pos);
            std::string text(m_src.substr(m_pos, tag - m_pos));
            if (tag == m_src.size()) {
                emitText(std::move(text));
                advanceTo(tag);
                break;
            }
            char kind = m_src[tag + 1];
            char mod = tag + 2 < m_src.size() ? m_src[tag + 2] : '\0';
            if (mod == '-') {
                while (!text.empty() && isSpace(text.back())) text.pop_back();
            } else if (kind != '{' && mod != '+') {
                lstripBlock(text);
            }
            emitText(std::move(text));
            advanceTo(tag);
            size_t bodyStart = tag + 2 + ((mod == '-' || (mod == '+' && kind != '{')) ? 1 : 0);
            if (kind == '#') {
                lexComment(bodyStart);
            } else if (kind == '%' && isRawTag(bodyStart)) {
                lexRaw();
            } else {
                lexTag(kind, bodyStart);
            }
        }
        m_tokens.push_back(Token{TokenType::End, {}, m_line});
        return std::move(m_tokens);
    }

private:
    size_t findTagStart(size_t from) const {
        for (size_t i = from; i + 1 < m_src.size(); ++i) {
            if (m_src[i] == '{' && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#')) return i;
        }
        return m_src.size();
    }

    // Moves m_pos forward, counting lines.
    void advanceTo(size_t pos) {
        for (; m_pos < pos; ++m_pos)
            if (m_src[m_pos] == '\n') ++m_line;
    }

    void emitText(std::string text) {
        if (!text.empty()) m_tokens.push_back(Token{TokenType::Text, std::move(text), m_line});
    }

    // lstrip_blocks: drop spaces/tabs between the line start and a block or comment tag.
    void lstripBlock(std::string& text) const {
        size_t nl = text.rfind('\n');
        size_t lpos = nl == std::string::npos ? 0 : nl + 1;
        bool lineStarting = m_pos == 0 || m_src[m_pos - 1] == '\n';
        if (lpos == 0 && !lineStarting) return;
        for (size_t i = lpos; i < text.size(); ++i)
            if (!isSpace(text[i])) return;
        text.resize(lpos);
    }

    // After a block or comment end: "-" eats following whitespace, "+" keeps it, else
    // trim_blocks removes one newline.
    void afterBlockEnd(size_t endPos, char mod) {
        advanceTo(endPos);
        if (mod == '-') {
            size_t p = m_pos;
            while (p < m_src.size() && isSpace(m_src[p])) ++p;
            advanceTo(p);
        } else if (mod != '+' && m_pos < m_src.size() && m_src[m_pos] == '\n') {
            advanceTo(m_pos + 1);
        }
    }

    void lexComment(size_t bodyStart) {
        size_t end = m_src.find("#}", bodyStart);
        if (end == std::string_view::npos) throw TemplateError(m_line, "unterminated comment '{#'");
        char mod = (end > bodyStart && (m_src[end - 1] == '-' || m_src[end - 1] == '+')) ? m_src[end - 1] : '\0';
        afterBlockEnd(end + 2, mod);
    }

    // Matches `[ws]name[ws][-+]%}` at p; returns the position after "%}" or npos.
    size_t matchSimpleTag(size_t p, std::string_view name, char* modOut) const {
        while (p < m_src.size() && isSpace(m_src[p])) ++p;
        if (m_src.substr(p, name.size()) != name) return std::string_view::npos;
        p += name.size();
        while (p < m_src.size() && isSpace(m_src[p])) ++p;
        char mod = '\0';
        if (p < m_src.size() && (m_src[p] == '-' || m_src[p] == '+')) mod = m_src[p++];
        if (m_src.substr(p, 2) != "%}") return std::string_view::npos;
        if (modOut) *modOut = mod;
        return p + 2;
    }

    bool isRawTag(size_t bodyStart) const { return matchSimpleTag(bodyStart, "raw", nullptr) != std::string_view::npos; }

    void lexRaw() {
        size_t bodyStart = m_pos + 2;
        if (m_src[bodyStart] == '-' || m_src[bodyStart] == '+') ++bodyStart;
        char mod = '\0';
        afterBlockEnd(matchSimpleTag(bodyStart, "raw", &mod), mod);
        for (size_t p = m_pos; (p = m_src.find("{%", p)) != std::string_view::npos; p += 2) {
            size_t q = p + 2;
            char startMod = (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) ? m_src[q] : '\0';
            if (startMod) ++q;
            char endMod = '\0';
            size_t end = matchSimpleTag(q, "endraw", &endMod);
            if (end == std::string_view::npos) continue;
            std::string text(m_src.substr(m_pos, p - m_pos));
            if (startMod == '-')
                while (!text.empty() && isSpace(text.back())) text.pop_back();
            emitText(std::move(text));
            afterBlockEnd(end, endMod);
            return;
        }
        throw TemplateError(m_line, "unterminated '{% raw %}' block (missing '{% endraw %}')");
    }

    void lexTag(char kind, size_t bodyStart) {
        m_tokens.push_back(Token{kind == '{' ? TokenType::VarBegin : TokenType::BlockBegin, {}, m_line});
        advanceTo(bodyStart);
        int balance = 0;
        const char close = kind == '{' ? '}' : '%';
        for (;;) {
            while (m_pos < m_src.size() && isSpace(m_src[m_pos])) advanceTo(m_pos + 1);
            if (m_pos >= m_src.size())
                throw TemplateError(m_line, kind == '{' ? "unterminated '{{' (missing '}}')" : "unterminated '{%' (missing '%}')");
            if (balance == 0) {
                char mod = '\0';
                size_t p = m_pos;
                if (m_src[p] == '-' || (kind == '%' && m_src[p] == '+')) mod = m_src[p++];
                if (p + 1 < m_src.size() && m_src[p] == close && m_src[p + 1] == '}') {
                    m_tokens.push_back(Token{kind == '{' ? TokenType::VarEnd : TokenType::BlockEnd, {}, m_line});
                    if (kind == '{') {
                        advanceTo(p + 2);
                        if (mod == '-') afterBlockEnd(m_pos, '-');
                    } else {
                        afterBlockEnd(p + 2, mod);
                    }
                    return;
                }
            }
            lexExprToken(balance);
        }
    }

    void lexExprToken(int& balance) {
        const char c = m_src[m_pos];
        const int line = m_line;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            size_t p = m_pos;
            while (p < m_src.size() && (std::isalnum(static_cast<unsigned char>(m_src[p])) || m_src[p] == '_')) ++p;
            m_tokens.push_back(Token{TokenType::Name, std::string(m_src.substr(m_pos, p - m_pos)), line});
            advanceTo(p);
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            lexNumber();
        } else if (c == '\'' || c == '"') {
            lexString(c);
        } else {
            static const char* const kTwo[] = {"//", "**", "==", "!=", "<=", ">="};
            for (const char* op : kTwo) {
                if (m_src.substr(m_pos, 2) == op) {
                    m_tokens.push_back(Token{TokenType::Operator, op, line});
                    advanceTo(m_pos + 2);
                    return;
                }
            }
            if (std::string_view("+-*/%~<>=()[]{},.:|").find(c) == std::string_view::npos) {
                throw TemplateError(line, std::string("unexpected character '") + c + "' in tag");
            }
            if (c == '(' || c == '[' || c == '{') ++balance;
            if (c == ')' || c == ']' || c == '}') --balance;
            m_tokens.push_back(Token{TokenType::Operator, std::string(1, c), line});
            advanceTo(m_pos + 1);
        }
    }

    void lexNumber() {
        size_t p = m_pos;
        auto digits = [&] {
            while (p < m_src.size() && (std::isdigit(static_cast<unsigned char>(m_src[p])) || m_src[p] == '_')) ++p;
        };
        digits();
        bool isFloat = false;
        if (p + 1 < m_src.size() && m_src[p] == '.' && std::isdigit(static_cast<unsigned char>(m_src[p + 1]))) {
            isFloat = true;
            ++p;
            digits();
        }
        if (p < m_src.size() && (m_src[p] == 'e' || m_src[p] == 'E')) {
            size_t q = p + 1;
            if (q < m_src.size() && (m_src[q] == '+' || m_src[q] == '-')) ++q;
            if (q < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[q]))) {
                isFloat = true;
                p = q;
                digits();
            }
        }
        std::string text;
        for (char ch : m_src.substr(m_pos, p - m_pos))
            if (ch != '_') text += ch;
        m_tokens.push_back(Token{isFloat ? TokenType::Float : TokenType::Integer, text, m_line});
        advanceTo(p);
    }

    static void appendUtf8(std::string& out, uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // Python string-literal escapes.
    void lexString(char quote) {
        const int line = m_line;
        std::string out;
        size_t p = m_pos + 1;
        for (;;) {
            if (p >= m_src.size()) throw TemplateError(line, "unterminated string literal");
            char ch = m_src[p];
            if (ch == quote) break;
            if (ch != '\\' || p + 1 >= m_src.size()) {
                out += ch;
                ++p;
                continue;
            }
            char e = m_src[p + 1];
            p += 2;
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case '0': out += '\0'; break;
                case 'a': out += '\a'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'v': out += '\v'; break;
                case '\\': out += '\\'; break;
                case '\'': out += '\''; break;
                case '"': out += '"'; break;
                case '\n': break;
                case 'x':
                case 'u':
                case 'U': {
                    size_t n = e == 'x' ? 2 : (e == 'u' ? 4 : 8);
                    uint32_t cp = 0;
                    for (size_t i = 0; i < n; ++i, ++p) {
                        if (p >= m_src.size() || !std::isxdigit(static_cast<unsigned char>(m_src[p])))
                            throw TemplateError(line, std::string("invalid \\") + e + " escape in string literal");
                        char h = m_src[p];
                        cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
                    }
                    if (cp > 0x10FFFF) throw TemplateError(line, "invalid code point in string literal");
                    appendUtf8(out, cp);
                    break;
                }
                default:
                    out += '\\';
                    out += e;
            }
        }
        m_tokens.push_back(Token{TokenType::String, std::move(out), line});
        advanceTo(p + 1);
    }

    std::string_view m_src;
    size_t m_pos = 0;
    int m_line = 1;
    std::vector<Token> m_tokens;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

}  // namespace qe::jinja::detail
