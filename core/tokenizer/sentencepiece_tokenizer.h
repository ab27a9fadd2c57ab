// SentencePiece models (tokenizer.model) behind the common Tokenizer interface, via libsentencepiece.
#pragma once

#include <memory>

#include "core/tokenizer/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace qe {

class SentencePieceTokenizer final : public Tokenizer {
public:
    // Loads a serialized SentencePiece model. Fails with NotFound or Corrupt naming the file.
    static Result<std::unique_ptr<SentencePieceTokenizer>> loadFromFile(const std::filesystem::path& path);
    ~SentencePieceTokenizer() override;

    TokenizerKind kind() const override { return TokenizerKind::SentencePiece; }
    std::vector<int> encode(std::string_view text) const override;
    Result<std::string> decode(std::span<const int> ids, DecodeOptions options = {}) const override;
    int size() const override;
    Result<std::string> tokenString(int id) const override;
    std::optional<int> tokenId(std::string_view token) const override;
    bool isSpecial(int id) const override;  // control tokens (<s>, </s>, ...)
    Status appendTokenBytes(int id, const DecodeOptions& options, bool& atStart, std::string& out) const override;

private:
    SentencePieceTokenizer();
    Status checkId(int id) const;

    std::unique_ptr<sentencepiece::SentencePieceProcessor> m_processor;
    bool m_stripsDummyPrefix = true;  // the model's decoder drops the leading "▁" of the text
};

}  // namespace qe
