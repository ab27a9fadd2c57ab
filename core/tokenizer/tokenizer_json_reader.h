// Streaming reader for tokenizer.json: model.vocab and model.merges (the bulk of an 11 MB file)
// go straight into flat vectors; everything else becomes a small nlohmann::json document.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace qe::detail {

struct TokenizerJson {
    nlohmann::json document;  // the file, with model.vocab / model.merges left empty when streamed
    bool haveVocab = false;   // model.vocab was an object
    bool haveMerges = false;  // model.merges was an array
    std::vector<std::pair<std::string, long long>> vocab;     // token -> id, in file order
    std::vector<std::pair<std::string, std::string>> merges;  // rank order
};

// Parses `text`. Fails with Corrupt (context `origin`) on bad JSON, a vocab value that is not an
// integer, or a merge that is neither "a b" nor ["a", "b"]. Never throws.
Result<TokenizerJson> readTokenizerJson(std::string_view text, const std::string& origin);

}  // namespace qe::detail
