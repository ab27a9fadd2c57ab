// Incremental detokenizer (see stream_decoder.h).
#include "core/tokenizer/stream_decoder.h"

#include "core/tokenizer/utf8.h"

namespace qe {

StreamDecoder::StreamDecoder(const Tokenizer& tokenizer, DecodeOptions options)
    : m_tokenizer(&tokenizer), m_options(options) {}

Result<std::string> StreamDecoder::push(int id) { return push(std::span<const int>(&id, 1)); }

Result<std::string> StreamDecoder::push(std::span<const int> ids) {
    for (int id : ids) QE_TRY(m_tokenizer->appendTokenBytes(id, m_options, m_atStart, m_pending));
    std::string text;
    std::size_t consumed = detail::appendUtf8Lossy(m_pending, /*final=*/false, text);
    m_pending.erase(0, consumed);
    return text;
}

std::string StreamDecoder::finish() {
    std::string text;
    (void)detail::appendUtf8Lossy(m_pending, /*final=*/true, text);
    reset();
    return text;
}

void StreamDecoder::reset() {
    m_pending.clear();
    m_atStart = true;
}

}  // namespace qe
