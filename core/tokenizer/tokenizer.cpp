// Tokenizer::load: picks byte-level BPE (tokenizer.json) or SentencePiece (tokenizer.model).
#include "core/tokenizer/tokenizer.h"

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/sentencepiece_tokenizer.h"

namespace qe {

Result<std::unique_ptr<Tokenizer>> Tokenizer::load(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path file = path;
    if (fs::is_directory(path, ec)) {
        if (fs::is_regular_file(path / "tokenizer.json", ec)) file = path / "tokenizer.json";
        else if (fs::is_regular_file(path / "tokenizer.model", ec)) file = path / "tokenizer.model";
        else
            return makeError(ErrorCode::NotFound, "no tokenizer.json or tokenizer.model in this folder", path.string());
    } else if (!fs::exists(path, ec)) {
        return makeError(ErrorCode::NotFound, "no such file or folder (expected tokenizer.json, tokenizer.model or a model folder)",
                         path.string());
    }
    if (file.extension() == ".model") {
        QE_ASSIGN_OR_RETURN(auto sp, SentencePieceTokenizer::loadFromFile(file));
        return std::unique_ptr<Tokenizer>(std::move(sp));
    }
    QE_ASSIGN_OR_RETURN(auto bpe, BpeTokenizer::loadFromFile(file));
    return std::unique_ptr<Tokenizer>(std::move(bpe));
}

}  // namespace qe
