// Byte-level BPE tokenizer read from a Hugging Face tokenizer.json (Qwen3, GPT-2 family; spec §5):
// added tokens first, NFC, regex pre-tokenizer, GPT-2 byte mapping, merges by rank, cached pieces.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace qe {
namespace detail {
class RegexSplitter;
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace detail

class BpeTokenizer final : public Tokenizer {
public:
    // Parses tokenizer.json text. `configJson` (optional, tokenizer_config.json text) may override
    // the special flag of added tokens through its added_tokens_decoder. `origin` names the source
    // in error messages. Fails with Corrupt (bad JSON, missing or mistyped model/vocab/merges,
    // merges naming unknown tokens) or Unsupported (a pipeline stage this class does not implement).
    static Result<std::unique_ptr<BpeTokenizer>> loadFromJson(std::string_view json, std::string_view configJson = {},
                                                              std::string origin = "tokenizer.json");
    // Reads `path` (tokenizer.json) and tokenizer_config.json next to it, if present.
    static Result<std::unique_ptr<BpeTokenizer>> loadFromFile(const std::filesystem::path& path);

    ~BpeTokenizer() override;

    TokenizerKind kind() const override { return TokenizerKind::ByteLevelBpe; }
    std::vector<int> encode(std::string_view text) const override;
    Result<std::string> decode(std::span<const int> ids, DecodeOptions options = {}) const override;
    int size() const override { return m_size; }
    Result<std::string> tokenString(int id) const override;
    std::optional<int> tokenId(std::string_view token) const override;
    bool isSpecial(int id) const override;
    Status appendTokenBytes(int id, const DecodeOptions& options, bool& atStart, std::string& out) const override;

    // The pre-tokenizer regex in use (from tokenizer.json), empty when there is none.
    const std::string& pretokenizerPattern() const { return m_pattern; }

private:
    struct AddedToken {
        int id = -1;
        std::string content;
        bool special = false;
    };
    struct Merge {
        int rank;
        int id;
    };

    BpeTokenizer();
    friend class BpeLoader;

    void encodeSegment(std::string_view segment, std::vector<int>& ids) const;  // NFC + split + BPE
    void encodePiece(std::string_view piece, std::vector<int>& ids) const;      // cached BPE of one piece
    void bpe(std::string_view piece, std::vector<int>& ids) const;              // uncached BPE
    const AddedToken* addedToken(int id) const;

    // Vocabulary: token string (byte-level form) -> id, and per id its decoded bytes.
    std::unordered_map<std::string, int, detail::StringHash, std::equal_to<>> m_vocab;
    std::vector<std::string_view> m_idToToken;  // [size], views of m_vocab's keys; empty for other ids
    std::vector<std::string> m_idToBytes;  // [size], the raw bytes each vocab token stands for
    std::vector<std::uint8_t> m_isVocab;   // [size], 1 where the vocab has the id
    int m_byteToId[256];                   // id of the single-byte token for each byte, -1 if none
    std::unordered_map<std::uint64_t, Merge> m_merges;  // (leftId << 32 | rightId) -> rank, merged id

    std::vector<AddedToken> m_added;            // sorted by id
    std::vector<int> m_addedByFirstByte[256];   // indexes into m_added, longest content first
    int m_size = 0;

    std::string m_pattern;
    std::unique_ptr<detail::RegexSplitter> m_splitter;  // null: a segment is one piece
    bool m_nfc = false;
    bool m_ignoreMerges = false;  // model.ignore_merges: whole-vocab pieces skip the merges

    // Piece cache: raw piece bytes -> ids. Guarded by m_cacheMutex; cleared when it grows too big.
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<int>, detail::StringHash, std::equal_to<>> m_cache;
};

}  // namespace qe
