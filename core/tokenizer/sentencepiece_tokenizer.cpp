// SentencePiece through libsentencepiece. Encoding is the library's; decoding is done piece by
// piece (so streaming and batch decoding agree) following its rules: "▁" is a space, the text's
// first "▁" is the dummy prefix and dropped, <unk> shows as its surface, byte pieces are bytes.
#include "core/tokenizer/sentencepiece_tokenizer.h"

#include <sentencepiece_processor.h>

#include "core/tokenizer/utf8.h"

namespace qe {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";  // U+2581 "▁"

}  // namespace

SentencePieceTokenizer::SentencePieceTokenizer() : m_processor(std::make_unique<sentencepiece::SentencePieceProcessor>()) {}
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

Result<std::unique_ptr<SentencePieceTokenizer>> SentencePieceTokenizer::loadFromFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return makeError(ErrorCode::NotFound, "file not found", path.string());
    std::unique_ptr<SentencePieceTokenizer> tokenizer(new SentencePieceTokenizer());
    auto status = tokenizer->m_processor->Load(path.string());
    if (!status.ok())
        return makeError(ErrorCode::Corrupt, std::string("not a usable SentencePiece model: ") + status.ToString(),
                         path.string());
    if (tokenizer->m_processor->GetPieceSize() <= 0)
        return makeError(ErrorCode::Corrupt, "SentencePiece model has no pieces", path.string());
    // Whether the model's decoder drops the leading space: decode a single piece that starts with "▁".
    auto& sp = *tokenizer->m_processor;
    for (int id = 0; id < sp.GetPieceSize(); ++id) {
        if (sp.IsControl(id) || sp.IsUnknown(id) || sp.IsByte(id)) continue;
        const std::string& piece = sp.IdToPiece(id);
        if (piece.rfind(kSpaceSymbol, 0) != 0) continue;
        std::string text;
        if (sp.Decode(std::vector<int>{id}, &text).ok()) tokenizer->m_stripsDummyPrefix = text.empty() || text[0] != ' ';
        break;
    }
    return tokenizer;
}

std::vector<int> SentencePieceTokenizer::encode(std::string_view text) const {
    std::vector<int> ids;
    std::string repaired = detail::utf8Lossy(text);
    if (!m_processor->Encode(repaired, &ids).ok()) ids.clear();  // only fails when no model is loaded
    return ids;
}

Status SentencePieceTokenizer::checkId(int id) const {
    if (id < 0 || id >= size())
        return makeError(ErrorCode::InvalidArgument,
                         "token id " + std::to_string(id) + " is out of range [0, " + std::to_string(size()) + ")");
    return Status::success();
}

Status SentencePieceTokenizer::appendTokenBytes(int id, const DecodeOptions& options, bool& atStart, std::string& out) const {
    QE_TRY(checkId(id));
    const auto& sp = *m_processor;
    const std::string& piece = sp.IdToPiece(id);
    if (sp.IsControl(id)) {
        if (!options.skipSpecial) out.append(piece);  // shown literally, like Qwen's <|im_end|>
        return Status::success();
    }
    if (sp.IsUnknown(id)) {
        out.append(" \xE2\x81\x87 ");  // SentencePiece's default unknown surface " ⁇ "
        atStart = false;
        return Status::success();
    }
    if (sp.IsByte(id) && piece.size() == 6 && piece.rfind("<0x", 0) == 0) {  // "<0xAB>"
        out.push_back(static_cast<char>(std::stoi(piece.substr(3, 2), nullptr, 16)));
        atStart = false;
        return Status::success();
    }
    std::string_view rest = piece;
    if (atStart && m_stripsDummyPrefix && rest.rfind(kSpaceSymbol, 0) == 0) rest.remove_prefix(kSpaceSymbol.size());
    for (std::size_t pos = 0; pos < rest.size();) {
        if (rest.compare(pos, kSpaceSymbol.size(), kSpaceSymbol) == 0) {
            out.push_back(' ');
            pos += kSpaceSymbol.size();
        } else {
            out.push_back(rest[pos++]);
        }
    }
    atStart = false;
    return Status::success();
}

Result<std::string> SentencePieceTokenizer::decode(std::span<const int> ids, DecodeOptions options) const {
    std::string bytes;
    bool atStart = true;
    for (int id : ids) QE_TRY(appendTokenBytes(id, options, atStart, bytes));
    return detail::utf8Lossy(bytes);
}

int SentencePieceTokenizer::size() const { return m_processor->GetPieceSize(); }

Result<std::string> SentencePieceTokenizer::tokenString(int id) const {
    QE_TRY(checkId(id));
    return m_processor->IdToPiece(id);
}

std::optional<int> SentencePieceTokenizer::tokenId(std::string_view token) const {
    int id = m_processor->PieceToId(std::string(token));
    if (id < 0 || id >= size()) return std::nullopt;
    if (m_processor->IsUnknown(id) && m_processor->IdToPiece(id) != token) return std::nullopt;  // unknown maps to <unk>
    return id;
}

bool SentencePieceTokenizer::isSpecial(int id) const {
    return id >= 0 && id < size() && m_processor->IsControl(id);
}

}  // namespace qe
