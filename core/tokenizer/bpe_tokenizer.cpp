// Byte-level BPE: encoding, decoding and token lookups (loading is in bpe_loader.cpp).
#include "core/tokenizer/bpe_tokenizer.h"

#include <algorithm>
#include <cstring>
#include <queue>

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/regex_splitter.h"
#include "core/tokenizer/utf8.h"

namespace qe {
namespace {

// Pieces longer than this are not cached (rare, and they would crowd out the useful entries).
constexpr std::size_t kMaxCachedPiece = 256;
// The cache is cleared when it reaches this many pieces (bounds memory on endless distinct input).
constexpr std::size_t kMaxCacheEntries = 1 << 18;

std::uint64_t pairKey(int left, int right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
}

}  // namespace

BpeTokenizer::BpeTokenizer() { std::fill(std::begin(m_byteToId), std::end(m_byteToId), -1); }
BpeTokenizer::~BpeTokenizer() = default;

std::vector<int> BpeTokenizer::encode(std::string_view input) const {
    std::string repaired;
    std::string_view text = input;
    if (!detail::isValidUtf8(input)) {
        repaired = detail::utf8Lossy(input);
        text = repaired;
    }
    std::vector<int> ids;
    ids.reserve(text.size() / 3 + 4);
    // Added tokens first: leftmost-longest over the raw text (spec §5.2 step 1).
    std::size_t segmentStart = 0, pos = 0;
    while (pos < text.size()) {
        const auto& candidates = m_addedByFirstByte[static_cast<unsigned char>(text[pos])];
        const AddedToken* found = nullptr;
        for (int index : candidates) {  // longest first
            const std::string& content = m_added[static_cast<std::size_t>(index)].content;
            if (text.compare(pos, content.size(), content) == 0) {
                found = &m_added[static_cast<std::size_t>(index)];
                break;
            }
        }
        if (!found) {
            ++pos;
            continue;
        }
        encodeSegment(text.substr(segmentStart, pos - segmentStart), ids);
        ids.push_back(found->id);
        pos += found->content.size();
        segmentStart = pos;
    }
    encodeSegment(text.substr(segmentStart), ids);
    return ids;
}

void BpeTokenizer::encodeSegment(std::string_view segment, std::vector<int>& ids) const {
    if (segment.empty()) return;
    std::string normalized;
    if (m_nfc) {
        detail::appendNfc(segment, normalized);
        segment = normalized;
    }
    if (!m_splitter) {
        encodePiece(segment, ids);
        return;
    }
    m_splitter->split(segment, [&](std::string_view piece) { encodePiece(piece, ids); });
}

void BpeTokenizer::encodePiece(std::string_view piece, std::vector<int>& ids) const {
    if (piece.size() == 1 && !m_ignoreMerges) {
        int id = m_byteToId[static_cast<unsigned char>(piece[0])];
        if (id >= 0) ids.push_back(id);
        return;
    }
    if (piece.size() > kMaxCachedPiece) {
        bpe(piece, ids);
        return;
    }
    {
        std::lock_guard lock(m_cacheMutex);
        auto it = m_cache.find(piece);
        if (it != m_cache.end()) {
            ids.insert(ids.end(), it->second.begin(), it->second.end());
            return;
        }
    }
    std::size_t first = ids.size();
    bpe(piece, ids);
    std::vector<int> result(ids.begin() + static_cast<std::ptrdiff_t>(first), ids.end());
    std::lock_guard lock(m_cacheMutex);
    if (m_cache.size() >= kMaxCacheEntries) m_cache.clear();
    m_cache.emplace(std::string(piece), std::move(result));
}

void BpeTokenizer::bpe(std::string_view piece, std::vector<int>& ids) const {
    if (m_ignoreMerges) {  // a piece that is a whole vocab entry skips the merges
        std::string mapped;
        for (unsigned char b : piece) detail::appendCodePoint(detail::kByteLevel.byteToCodePoint[b], mapped);
        if (auto it = m_vocab.find(mapped); it != m_vocab.end()) {
            ids.push_back(it->second);
            return;
        }
    }
    // Symbols form a linked list; a min-heap holds candidate merges ordered by (rank, position),
    // which merges the lowest rank first and equal ranks left to right without overlap.
    struct Symbol {
        int id, prev, next;
    };
    struct Candidate {
        int rank, pos, left, right, merged;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::vector<Symbol> symbols;
    symbols.reserve(piece.size());
    for (unsigned char b : piece) {
        int id = m_byteToId[b];
        if (id < 0) continue;  // no token for this byte and no unk token: dropped, as HF does
        int index = static_cast<int>(symbols.size());
        symbols.push_back({id, index - 1, index + 1});
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> heap;
    auto consider = [&](int left) {
        if (left < 0) return;
        int right = symbols[static_cast<std::size_t>(left)].next;
        if (right < 0) return;
        auto it = m_merges.find(pairKey(symbols[static_cast<std::size_t>(left)].id, symbols[static_cast<std::size_t>(right)].id));
        if (it == m_merges.end()) return;
        heap.push({it->second.rank, left, symbols[static_cast<std::size_t>(left)].id,
                   symbols[static_cast<std::size_t>(right)].id, it->second.id});
    };
    for (int i = 0; i + 1 < static_cast<int>(symbols.size()); ++i) consider(i);
    while (!heap.empty()) {
        Candidate top = heap.top();
        heap.pop();
        Symbol& left = symbols[static_cast<std::size_t>(top.pos)];
        if (left.id != top.left || left.next < 0) continue;  // stale: the left symbol changed
        Symbol& right = symbols[static_cast<std::size_t>(left.next)];
        if (right.id != top.right) continue;                 // stale: the right neighbour changed
        left.id = top.merged;
        right.id = -1;
        left.next = right.next;
        if (left.next >= 0) symbols[static_cast<std::size_t>(left.next)].prev = top.pos;
        consider(left.prev);
        consider(top.pos);
    }
    for (int i = 0; i >= 0; i = symbols[static_cast<std::size_t>(i)].next) ids.push_back(symbols[static_cast<std::size_t>(i)].id);
}

const BpeTokenizer::AddedToken* BpeTokenizer::addedToken(int id) const {
    auto it = std::lower_bound(m_added.begin(), m_added.end(), id,
                               [](const AddedToken& token, int value) { return token.id < value; });
    return it != m_added.end() && it->id == id ? &*it : nullptr;
}

Status BpeTokenizer::appendTokenBytes(int id, const DecodeOptions& options, bool& atStart, std::string& out) const {
    if (id < 0 || id >= m_size)
        return makeError(ErrorCode::InvalidArgument,
                         "token id " + std::to_string(id) + " is out of range [0, " + std::to_string(m_size) + ")");
    if (const AddedToken* added = addedToken(id)) {
        if (added->special && options.skipSpecial) return Status::success();
        out.append(added->content);  // literal text (spec §5.3)
    } else if (m_isVocab[static_cast<std::size_t>(id)]) {
        out.append(m_idToBytes[static_cast<std::size_t>(id)]);
    } else {
        return makeError(ErrorCode::InvalidArgument, "token id " + std::to_string(id) + " names no token");
    }
    atStart = false;
    return Status::success();
}

Result<std::string> BpeTokenizer::decode(std::span<const int> ids, DecodeOptions options) const {
    std::string bytes;
    bytes.reserve(ids.size() * 4);
    bool atStart = true;
    for (int id : ids) QE_TRY(appendTokenBytes(id, options, atStart, bytes));
    if (detail::isValidUtf8(bytes)) return bytes;
    return detail::utf8Lossy(bytes);
}

Result<std::string> BpeTokenizer::tokenString(int id) const {
    if (id < 0 || id >= m_size)
        return makeError(ErrorCode::InvalidArgument,
                         "token id " + std::to_string(id) + " is out of range [0, " + std::to_string(m_size) + ")");
    if (const AddedToken* added = addedToken(id)) return added->content;
    if (m_isVocab[static_cast<std::size_t>(id)]) return std::string(m_idToToken[static_cast<std::size_t>(id)]);
    return makeError(ErrorCode::InvalidArgument, "token id " + std::to_string(id) + " names no token");
}

std::optional<int> BpeTokenizer::tokenId(std::string_view token) const {
    for (const AddedToken& added : m_added)
        if (added.content == token) return added.id;
    if (auto it = m_vocab.find(token); it != m_vocab.end()) return it->second;
    return std::nullopt;
}

bool BpeTokenizer::isSpecial(int id) const {
    const AddedToken* added = addedToken(id);
    return added && added->special;
}

}  // namespace qe
