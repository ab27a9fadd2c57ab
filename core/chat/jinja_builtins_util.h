// Helpers shared by the Jinja filters and methods (internal to qe_chat).
#pragma once

#include <string>
#include <vector>

#include "core/chat/jinja_ast.h"

namespace qe::jinja::detail {

// Argument `index` positionally, else keyword `name`, else `fallback`.
Value argAt(const CallArgs& args, size_t index, const char* name, const Value& fallback);
const std::string& requireString(const Value& v, const std::string& what, int line);
int64_t requireInt(const Value& v, const std::string& what, int line);

bool isPyWhitespace(const std::string& utf8Char);
// Python str.strip/lstrip/rstrip; `chars` none/undefined means whitespace.
std::string pyStrip(const std::string& s, const Value& chars, bool left, bool right, int line);
std::string pyReplace(Renderer& r, const std::string& s, const std::string& from, const std::string& to, int64_t count,
                      int line);
std::string pyLower(std::string s);
std::string pyUpper(std::string s);
std::string pyTitle(std::string s);
std::string pyCapitalize(const std::string& s);
std::vector<std::string> splitLines(const std::string& s);
Value itemsOf(const Value& v, int line);
// The elements a for loop or a filter iterates: list items, string characters, dict keys;
// undefined is empty. Anything else (incl. namespace objects) is an error, prefixed by `what`
// when it is not empty.
std::vector<Value> iterableItems(const Value& v, const std::string& what, int line);
// Sets the thread's current renderer (used by string methods); returns the previous one.
Renderer* setCurrentRenderer(Renderer* r);

}  // namespace qe::jinja::detail
