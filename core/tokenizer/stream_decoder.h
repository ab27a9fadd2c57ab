// Incremental detokenizer for streaming generation: turns ids into text pieces that never end
// inside a UTF-8 sequence and that concatenate to exactly Tokenizer::decode() of all the ids.
#pragma once

#include <span>
#include <string>

#include "core/tokenizer/tokenizer.h"

namespace qe {

// Not thread-safe; one per stream. Holds a reference to `tokenizer`, which must outlive it.
// Cost: amortized O(bytes), no re-decoding of earlier tokens.
class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tokenizer, DecodeOptions options = {});

    // Adds ids; returns the text that became complete (possibly empty). Incomplete trailing bytes
    // are held back; bytes that can never form a character are emitted as U+FFFD at once.
    // Fails on an unknown id, which is then ignored (the stream stays usable).
    Result<std::string> push(int id);
    Result<std::string> push(std::span<const int> ids);

    // Ends the stream: returns the held-back bytes (an incomplete sequence becomes U+FFFD) and
    // resets the decoder for a new stream.
    std::string finish();

    void reset();

    // Bytes held back waiting for the rest of a character.
    std::size_t pendingBytes() const { return m_pending.size(); }

private:
    const Tokenizer* m_tokenizer;
    DecodeOptions m_options;
    std::string m_pending;  // raw bytes not yet emitted
    bool m_atStart = true;
};

}  // namespace qe
