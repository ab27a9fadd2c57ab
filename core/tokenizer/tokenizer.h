// Common interface of the text tokenizers: byte-level BPE read from tokenizer.json (Qwen3, spec §5)
// and SentencePiece models (tokenizer.model). Loading picks the right one from a file or folder.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace qe {

enum class TokenizerKind { ByteLevelBpe, SentencePiece };

struct DecodeOptions {
    bool skipSpecial = false;  // drop tokens flagged special (Qwen3: ids 151643-151656 only)
};

// A loaded tokenizer. Immutable after loading: every const method may be called from any thread
// at the same time (the BPE piece cache is internally locked). Owned by whoever loaded it.
class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    // Loads from `path`: a tokenizer.json (byte-level BPE), a tokenizer.model (SentencePiece), or a
    // folder holding one of them (tokenizer.json preferred). Fails with NotFound naming what was
    // looked for, or Corrupt / Unsupported naming the file and the problem. Reads the whole file;
    // the Qwen3 tokenizer.json (11 MB) loads in a few hundred milliseconds.
    static Result<std::unique_ptr<Tokenizer>> load(const std::filesystem::path& path);

    virtual TokenizerKind kind() const = 0;

    // Text to ids. Never fails: invalid UTF-8 is first replaced by U+FFFD (like Python's
    // errors="replace"), added tokens in the raw text become their ids. Adds no BOS/EOS.
    virtual std::vector<int> encode(std::string_view text) const = 0;

    // Ids to UTF-8 text (always valid UTF-8; broken byte sequences become U+FFFD).
    // Fails with InvalidArgument on an id that names no token (e.g. Qwen3's padding rows >= 151669).
    virtual Result<std::string> decode(std::span<const int> ids, DecodeOptions options = {}) const = 0;

    // Number of ids, including added tokens (Qwen3: 151669). Valid ids lie in [0, size()).
    virtual int size() const = 0;

    // The token's own string: the vocab entry as stored (byte-level form, e.g. "Ġthe"; SentencePiece
    // piece, e.g. "▁the") or an added token's content. Fails on an unknown id.
    virtual Result<std::string> tokenString(int id) const = 0;

    // Id of a token string as tokenString() returns it, e.g. "<|im_end|>" -> 151645; nullopt if none.
    virtual std::optional<int> tokenId(std::string_view token) const = 0;

    // True for special tokens (added tokens with special=true; SentencePiece control tokens).
    virtual bool isSpecial(int id) const = 0;

    // Streaming support (used by StreamDecoder): appends the raw bytes `id` contributes to the
    // decoded text. `atStart` is true until the output holds text; SentencePiece uses it to drop
    // the dummy-prefix space, and the call clears it once it appended something.
    virtual Status appendTokenBytes(int id, const DecodeOptions& options, bool& atStart,
                                    std::string& out) const = 0;
};

}  // namespace qe
