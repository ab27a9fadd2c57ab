// Builds a BpeTokenizer from tokenizer.json (and optionally tokenizer_config.json). Every field is
// checked for presence and type; anything malformed becomes a Corrupt error, never a crash.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/tokenizer_json_reader.h"
#include "core/tokenizer/utf8.h"

namespace qe {
namespace {

using Json = nlohmann::json;

// The GPT-2 split used by ByteLevel(use_regex=true).
constexpr const char* kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
// Ids above this are refused: they would only make us allocate tables for nothing.
constexpr long long kMaxTokenId = (1LL << 24) - 1;

std::string escapeRegex(const std::string& literal) {
    std::string out;
    for (char c : literal) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x80 && !std::isalnum(u)) out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

}  // namespace

// Friend of BpeTokenizer that fills its tables.
class BpeLoader {
public:
    BpeLoader(BpeTokenizer& tok, std::string origin) : m_tok(tok), m_origin(std::move(origin)) {}

    Status load(detail::TokenizerJson& file, std::string_view configJson) {
        m_file = &file;
        const Json& root = file.document;
        if (!root.is_object()) return corrupt("top level is not a JSON object");
        QE_TRY(loadNormalizer(root.value("normalizer", Json())));
        QE_TRY(loadPreTokenizer(root.value("pre_tokenizer", Json())));
        auto model = root.find("model");
        if (model == root.end() || !model->is_object()) return corrupt("missing object \"model\"");
        QE_TRY(loadModel(*model));
        QE_TRY(loadAddedTokens(root.value("added_tokens", Json::array())));
        applyConfig(configJson);
        finish();
        return Status::success();
    }

private:
    Error corrupt(std::string message) const { return makeError(ErrorCode::Corrupt, std::move(message), m_origin); }
    Error unsupported(std::string message) const {
        return makeError(ErrorCode::Unsupported, std::move(message), m_origin);
    }

    Status loadNormalizer(const Json& n) {
        if (n.is_null()) return Status::success();
        if (!n.is_object() || !n.contains("type") || !n["type"].is_string()) return corrupt("\"normalizer\" has no type");
        std::string type = n["type"].get<std::string>();
        if (type == "NFC") {
            m_tok.m_nfc = true;
            return Status::success();
        }
        if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array()) {
            for (const Json& step : n["normalizers"]) QE_TRY(loadNormalizer(step));
            return Status::success();
        }
        return unsupported("normalizer \"" + type + "\" is not supported (only NFC)");
    }

    Status loadPreTokenizer(const Json& p) {
        if (p.is_null()) return unsupported("no pre_tokenizer: only byte-level BPE (a ByteLevel step) is supported");
        QE_TRY(loadPreTokenizerStep(p));
        if (!m_tok.m_pattern.empty()) {
            auto splitter = detail::RegexSplitter::compile(m_tok.m_pattern);
            if (!splitter.ok()) return unsupported(splitter.error().message);
            m_tok.m_splitter = std::move(splitter).value();
        }
        if (!m_byteLevel) return unsupported("pre_tokenizer has no ByteLevel step: only byte-level BPE is supported");
        return Status::success();
    }

    Status loadPreTokenizerStep(const Json& p) {
        if (!p.is_object() || !p.contains("type") || !p["type"].is_string())
            return corrupt("\"pre_tokenizer\" step has no type");
        std::string type = p["type"].get<std::string>();
        if (type == "Sequence") {
            auto steps = p.find("pretokenizers");
            if (steps == p.end() || !steps->is_array()) return corrupt("Sequence pre_tokenizer without \"pretokenizers\" array");
            for (const Json& step : *steps) QE_TRY(loadPreTokenizerStep(step));
            return Status::success();
        }
        if (type == "ByteLevel") {
            m_byteLevel = true;
            const Json& prefix = p.value("add_prefix_space", Json(false));
            if (!prefix.is_boolean()) return corrupt("ByteLevel add_prefix_space is not a boolean");
            if (prefix.get<bool>()) return unsupported("ByteLevel add_prefix_space=true is not supported");
            const Json& useRegex = p.value("use_regex", Json(true));
            if (!useRegex.is_boolean()) return corrupt("ByteLevel use_regex is not a boolean");
            if (useRegex.get<bool>()) return setPattern(kGpt2Pattern);
            return Status::success();
        }
        if (type == "Split") {
            const Json& behavior = p.value("behavior", Json());
            if (!behavior.is_string() || behavior.get<std::string>() != "Isolated")
                return unsupported("Split pre_tokenizer: only behavior \"Isolated\" is supported");
            const Json& invert = p.value("invert", Json(false));
            if (!invert.is_boolean() || invert.get<bool>()) return unsupported("Split pre_tokenizer: invert must be false");
            const Json& pattern = p.value("pattern", Json());
            if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string())
                return setPattern(pattern["Regex"].get<std::string>());
            if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string())
                return setPattern(escapeRegex(pattern["String"].get<std::string>()));
            return corrupt("Split pre_tokenizer: \"pattern\" is not {\"Regex\": string} or {\"String\": string}");
        }
        return unsupported("pre_tokenizer \"" + type + "\" is not supported");
    }

    Status setPattern(std::string pattern) {
        if (!m_tok.m_pattern.empty()) return unsupported("more than one regex split in pre_tokenizer");
        if (pattern.empty()) return corrupt("empty pre-tokenizer pattern");
        m_tok.m_pattern = std::move(pattern);
        return Status::success();
    }

    Status loadModel(const Json& model) {
        if (model.contains("type") && (!model["type"].is_string() || model["type"].get<std::string>() != "BPE"))
            return unsupported("model type " + model["type"].dump() + " is not supported (only BPE)");
        auto flagTrue = [&](const char* key) {
            auto it = model.find(key);
            return it != model.end() && it->is_boolean() && it->get<bool>();
        };
        if (flagTrue("byte_fallback")) return unsupported("BPE byte_fallback=true is not supported");
        for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
            auto it = model.find(key);
            if (it != model.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty()))
                return unsupported(std::string("BPE ") + key + " is not supported");
        }
        if (auto it = model.find("dropout"); it != model.end() && !it->is_null())
            return unsupported("BPE dropout is not supported");
        m_tok.m_ignoreMerges = flagTrue("ignore_merges");
        QE_TRY(loadVocab());
        return loadMerges();
    }

    Status loadVocab() {
        if (!m_file->haveVocab) return corrupt("missing object \"model.vocab\"");
        if (m_file->vocab.empty()) return corrupt("\"model.vocab\" is empty");
        m_tok.m_vocab.reserve(m_file->vocab.size());
        long long maxId = -1;
        for (auto& [token, id] : m_file->vocab) {
            if (id < 0 || id > kMaxTokenId)
                return corrupt("model.vocab[\"" + detail::utf8Lossy(token) + "\"] = " + std::to_string(id) +
                               " is out of range [0, " + std::to_string(kMaxTokenId) + "]");
            m_tok.m_vocab.insert_or_assign(std::move(token), static_cast<int>(id));
            maxId = std::max(maxId, id);
        }
        auto count = static_cast<std::size_t>(maxId + 1);
        m_tok.m_idToToken.assign(count, {});
        m_tok.m_idToBytes.assign(count, {});
        m_tok.m_isVocab.assign(count, 0);
        for (const auto& [token, id] : m_tok.m_vocab) {
            auto index = static_cast<std::size_t>(id);
            m_tok.m_idToToken[index] = token;  // views the map's key (node keys never move)
            m_tok.m_idToBytes[index] = tokenBytes(token);
            m_tok.m_isVocab[index] = 1;
        }
        for (int b = 0; b < 256; ++b) {
            std::string symbol;
            detail::appendCodePoint(detail::kByteLevel.byteToCodePoint[static_cast<std::size_t>(b)], symbol);
            auto it = m_tok.m_vocab.find(symbol);
            m_tok.m_byteToId[b] = it == m_tok.m_vocab.end() ? -1 : it->second;
        }
        m_tok.m_size = static_cast<int>(count);
        return Status::success();
    }

    // The bytes a byte-level token stands for; a token with a character outside the table is
    // taken literally (as HF's ByteLevel decoder does).
    static std::string tokenBytes(const std::string& token) {
        std::string bytes;
        std::size_t pos = 0;
        while (pos < token.size()) {
            auto lead = static_cast<unsigned char>(token[pos]);
            std::size_t len = detail::utf8CharLength(lead);
            if (pos + len > token.size()) return token;
            char32_t cp = lead < 0x80 ? lead : lead < 0xE0 ? lead & 0x1F : lead < 0xF0 ? lead & 0x0F : lead & 0x07;
            for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(token[pos + k]) & 0x3F);
            if (cp >= detail::kByteLevel.codePointToByte.size() || detail::kByteLevel.codePointToByte[cp] < 0) return token;
            bytes.push_back(static_cast<char>(detail::kByteLevel.codePointToByte[cp]));
            pos += len;
        }
        return bytes;
    }

    Status loadMerges() {
        if (!m_file->haveMerges) return corrupt("missing array \"model.merges\"");
        m_tok.m_merges.reserve(m_file->merges.size());
        std::string merged;
        int rank = 0;
        for (const auto& [left, right] : m_file->merges) {
            merged.assign(left).append(right);
            QE_ASSIGN_OR_RETURN(int leftId, vocabId(left, rank));
            QE_ASSIGN_OR_RETURN(int rightId, vocabId(right, rank));
            QE_ASSIGN_OR_RETURN(int mergedId, vocabId(merged, rank));
            auto key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(leftId)) << 32) |
                       static_cast<std::uint32_t>(rightId);
            m_tok.m_merges.insert_or_assign(key, BpeTokenizer::Merge{rank, mergedId});  // later wins, as in HF
            ++rank;
        }
        return Status::success();
    }

    Result<int> vocabId(std::string_view token, int rank) const {
        auto it = m_tok.m_vocab.find(token);
        if (it == m_tok.m_vocab.end())
            return corrupt("model.merges[" + std::to_string(rank) + "] names token \"" +
                           detail::utf8Lossy(token) + "\", which is not in model.vocab");
        return it->second;
    }

    Status loadAddedTokens(const Json& added) {
        if (!added.is_array()) return corrupt("\"added_tokens\" is not an array");
        for (std::size_t i = 0; i < added.size(); ++i) {
            const Json& t = added[i];
            std::string where = "added_tokens[" + std::to_string(i) + "]";
            if (!t.is_object()) return corrupt(where + " is not an object");
            auto id = t.find("id");
            auto content = t.find("content");
            if (id == t.end() || !id->is_number_integer()) return corrupt(where + ".id is missing or not an integer");
            if (content == t.end() || !content->is_string()) return corrupt(where + ".content is missing or not a string");
            long long value = id->get<long long>();
            if (value < 0 || value > kMaxTokenId) return corrupt(where + ".id = " + std::to_string(value) + " is out of range");
            const Json& special = t.value("special", Json(false));
            if (!special.is_boolean()) return corrupt(where + ".special is not a boolean");
            std::string text = content->get<std::string>();
            if (text.empty()) continue;  // can never match; HF ignores it too
            m_tok.m_added.push_back({static_cast<int>(value), std::move(text), special.get<bool>()});
        }
        return Status::success();
    }

    // tokenizer_config.json's added_tokens_decoder carries the special flags transformers uses.
    // The file is optional; a malformed one is ignored (tokenizer.json alone is complete).
    void applyConfig(std::string_view configJson) {
        if (configJson.empty()) return;
        Json config = Json::parse(configJson, nullptr, false);
        if (config.is_discarded() || !config.is_object()) return;
        auto decoder = config.find("added_tokens_decoder");
        if (decoder == config.end() || !decoder->is_object()) return;
        for (auto it = decoder->begin(); it != decoder->end(); ++it) {
            if (!it.value().is_object() || !it.value().contains("special") || !it.value()["special"].is_boolean()) continue;
            for (auto& token : m_tok.m_added)
                if (std::to_string(token.id) == it.key()) token.special = it.value()["special"].get<bool>();
        }
    }

    void finish() {
        auto& added = m_tok.m_added;
        std::stable_sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
        // Same id twice: the last definition wins.
        std::vector<BpeTokenizer::AddedToken> unique;
        for (auto& token : added) {
            if (!unique.empty() && unique.back().id == token.id) unique.back() = std::move(token);
            else unique.push_back(std::move(token));
        }
        added = std::move(unique);
        for (std::size_t i = 0; i < added.size(); ++i) {
            m_tok.m_size = std::max(m_tok.m_size, added[i].id + 1);
            m_tok.m_addedByFirstByte[static_cast<unsigned char>(added[i].content[0])].push_back(static_cast<int>(i));
        }
        for (auto& list : m_tok.m_addedByFirstByte)
            std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
                return added[static_cast<std::size_t>(a)].content.size() > added[static_cast<std::size_t>(b)].content.size();
            });
        auto count = static_cast<std::size_t>(m_tok.m_size);
        m_tok.m_idToToken.resize(count);
        m_tok.m_idToBytes.resize(count);
        m_tok.m_isVocab.resize(count, 0);
    }

    BpeTokenizer& m_tok;
    std::string m_origin;
    bool m_byteLevel = false;
    detail::TokenizerJson* m_file = nullptr;
};

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::loadFromJson(std::string_view json, std::string_view configJson,
                                                                 std::string origin) {
    QE_ASSIGN_OR_RETURN(detail::TokenizerJson file, detail::readTokenizerJson(json, origin));
    std::unique_ptr<BpeTokenizer> tokenizer(new BpeTokenizer());
    BpeLoader loader(*tokenizer, std::move(origin));
    QE_TRY(loader.load(file, configJson));
    return tokenizer;
}

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::loadFromFile(const std::filesystem::path& path) {
    auto readAll = [](const std::filesystem::path& file) -> std::optional<std::string> {
        std::ifstream in(file, std::ios::binary);
        if (!in) return std::nullopt;
        std::ostringstream buffer;
        buffer << in.rdbuf();
        if (in.bad()) return std::nullopt;
        return std::move(buffer).str();
    };
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return makeError(ErrorCode::NotFound, "file not found", path.string());
    auto json = readAll(path);
    if (!json) return makeError(ErrorCode::NotFound, "cannot read the file", path.string());
    std::string config = readAll(path.parent_path() / "tokenizer_config.json").value_or(std::string());
    return loadFromJson(*json, config, path.string());
}

}  // namespace qe
