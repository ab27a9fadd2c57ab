// Jinja lexer (internal to qe_chat): splits template source into text and tag tokens, applying
// whitespace control ("-"/"+"), trim_blocks and lstrip_blocks as Hugging Face configures Jinja2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qe::jinja::detail {

enum class TokenType {
    Text,        // literal template text
    VarBegin,    // {{
    VarEnd,      // }}
    BlockBegin,  // {%
    BlockEnd,    // %}
    Name,
    String,      // value holds the unescaped string
    Integer,
    Float,
    Operator,    // value holds the operator text
    End,
};

struct Token {
    TokenType type = TokenType::End;
    std::string value;
    int line = 1;
};

// Throws TemplateError on unterminated tags, strings or unknown characters.
std::vector<Token> tokenize(std::string_view source);

}  // namespace qe::jinja::detail
