// Prefill on AMX tiles (Intel AMX-BF16: Sapphire Rapids and later), for GemmPrecision::Bf16: the
// GEMM against bf16 weights with the activations rounded to bf16, and attention's two products
// over a bf16 KV cache with the queries and the probabilities rounded to bf16. One TDPBF16PS
// multiplies a 16 x 32 bf16 tile by a 32 x 16 one into 16 x 16 fp32 sums: 16,384 flops, where one
// AVX-512 FMA does 32.
//
// Attention's scores are the same transposed product as the GEMM's, with the cached keys as the
// "weights" (read in place). Its weighted sums are a plain product: the probabilities, converted
// to bf16 rows (zero past each query's causal limit), times the values laid out by packValuesAmx
// (per 16 columns, pairs of positions side by side), with the sums stored straight to the output.
//
// The product is computed transposed, C'[n][t] = sum_k w[n][k] * x[t][k], so the weights are
// tiles as they are stored (16 rows of 32 consecutive bf16, row stride = the row's bytes): no
// weight packing. The activations are converted and packed once per matmul call (packXAmx, split
// across the pool) in the layout TDPBF16PS wants for its second operand: per 16 tokens and per
// pair of columns, the tokens' two values side by side. Each 16 x 16 tile of sums goes back to y
// through a 16 x 16 transpose in zmm registers, done while the next tiles' products run
// (PendingStores).
//
// Register blocking: 2 x 2 tiles of sums (32 weight rows x 32 tokens) in tmm0-3, the two weight
// tiles in tmm4-5, the two token tiles in tmm6-7. Every sum runs over the whole K in one tile, in
// the same order whatever the thread count or row range, so results do not depend on either.
// Cache blocking (blocks of weight rows and of token tiles that fit L2): productTransposed.
//
// Thread mapping: none here; each call computes the rows it is given on the calling thread and
// loads and releases its own tile configuration (matmul.cpp splits rows across the pool).
//
// Only functions marked QE_AMX use AMX or AVX-512 instructions (see kernels_avx2.cpp for why).
#include "core/cpu/kernels_detail.h"

#if defined(QE_CPU_HAVE_AVX2_KERNELS)

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#define QE_AMX __attribute__((target("avx512f,avx512bf16,amx-tile,amx-bf16")))

namespace qe::cpu::detail {

namespace {

constexpr std::int64_t kTile = 16;      // rows of a tile; tokens per packed token tile
constexpr std::int64_t kTileK = 32;     // bf16 columns of a weight tile (64 bytes)
// Bytes of each operand's cache block in productTransposed (weight rows; packed tokens): two of
// them fit a 2 MiB L2 (Sapphire Rapids) with room to spare. QE_AMX_BLOCK_KIB overrides (tuning).
const std::int64_t kBlockBytes = [] {
    const char* env = std::getenv("QE_AMX_BLOCK_KIB");
    return (env ? std::max(16L, std::atol(env)) : 512L) * 1024;
}();

struct alignas(64) TileConfig {
    std::uint8_t palette = 1;
    std::uint8_t startRow = 0;
    std::uint8_t reserved[14] = {};
    std::uint16_t bytesPerRow[16] = {};
    std::uint8_t rows[16] = {};
};

// Every tile used here is 16 rows of 64 bytes: 16 x 16 fp32 sums, 16 x 32 bf16 operands.
QE_AMX void loadTileConfig() {
    TileConfig config;
    for (int t = 0; t < 8; ++t) {
        config.bytesPerRow[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
}

// In place: v[i] lane j becomes v[j] lane i (as 32-bit lanes).
QE_AMX void transpose16(__m512 (&v)[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(v[i], v[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        v[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);
        v[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xEE);
        v[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        v[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    // Now v[4g + r] lane 4q + s = original v[4g + s] lane 4q + r: 4 x 4 blocks transposed.
    for (int g = 0; g < 2; ++g)
        for (int r = 0; r < 4; ++r) {
            t[8 * g + r] = _mm512_shuffle_f32x4(v[8 * g + r], v[8 * g + 4 + r], 0x88);
            t[8 * g + 4 + r] = _mm512_shuffle_f32x4(v[8 * g + r], v[8 * g + 4 + r], 0xDD);
        }
    for (int r = 0; r < 8; ++r) {
        v[r] = _mm512_shuffle_f32x4(t[r], t[8 + r], 0x88);
        v[8 + r] = _mm512_shuffle_f32x4(t[r], t[8 + r], 0xDD);
    }
}

// A 16 x 16 tile of sums (row r: weight row n0 + r, column j: token t0 + j) into y[t0 + j][n0 + r],
// for j < tokens, r < rows.
QE_AMX void storeTransposed(const float* sums, float* y, std::int64_t ldy, std::int64_t tokens, std::int64_t rows) {
    __m512 v[16];
    for (int r = 0; r < 16; ++r) v[r] = _mm512_load_ps(sums + 16 * r);
    transpose16(v);
    const __mmask16 mask = __mmask16((1u << rows) - 1u);
    for (std::int64_t j = 0; j < tokens; ++j) _mm512_mask_storeu_ps(y + j * ldy, mask, v[j]);
}

// Tiles of sums that wait to be stored transposed (storeTransposed) while the next tiles' products
// run: the AMX unit works through its queue of tile loads and TDPBF16PS while the core transposes
// and stores, where storing between the products left the unit idle for it (about 20 % of the
// time in a scratch loop of q_proj's shape; +18 % with the stores interleaved).
struct PendingStores {
    struct Tile {
        const float* sums;
        float* y;
        std::int64_t tokens, rows;
    };
    Tile tiles[4];
    int count = 0, next = 0;
    std::int64_t ldy = 0;

    bool waiting() const { return next < count; }
    QE_AMX void storeOne() {
        const Tile& t = tiles[next++];
        storeTransposed(t.sums, t.y, ldy, t.tokens, t.rows);
    }
    QE_AMX void storeAll() {
        while (waiting()) storeOne();
    }
};

// Sums of weight tiles a0 (and a1 when TwoRows) against token tiles b0 (and b1 when TwoTokens)
// over kBlocks blocks of 32 columns, stored to sums[i] (64-byte aligned, 16 x 16 fp32 each):
// sums[0] = a0 b0, sums[1] = a0 b1, sums[2] = a1 b0, sums[3] = a1 b1. The a tiles are 16 rows
// aStride bytes apart, 32 columns further per block; b0 and b1 are packed (pairs side by side),
// one contiguous 16 x 32 tile per block. `pending` (may be null): earlier tiles, stored spread
// over the loop (sums must not be among them).
template <bool TwoRows, bool TwoTokens>
QE_AMX void tileSums(const std::uint16_t* a0, const std::uint16_t* a1, std::int64_t aStride, const std::uint16_t* b0,
                     const std::uint16_t* b1, std::int64_t kBlocks, float (*sums)[256], PendingStores* pending) {
    constexpr std::int64_t kTokenTile = kTile * kTileK;  // bf16 per packed tile of one block
    // One pending store every `every` blocks, the first after some products are queued.
    const std::int64_t every = pending && pending->waiting() ? std::max<std::int64_t>(1, kBlocks / pending->count) : 0;
    _tile_zero(0);
    if constexpr (TwoTokens) _tile_zero(1);
    if constexpr (TwoRows) _tile_zero(2);
    if constexpr (TwoRows && TwoTokens) _tile_zero(3);
    for (std::int64_t kb = 0; kb < kBlocks; ++kb) {
        _tile_loadd(4, a0 + kb * kTileK, aStride);
        _tile_loadd(6, b0 + kb * kTokenTile, 64);
        _tile_dpbf16ps(0, 4, 6);
        if constexpr (TwoTokens) {
            _tile_loadd(7, b1 + kb * kTokenTile, 64);
            _tile_dpbf16ps(1, 4, 7);
        }
        if constexpr (TwoRows) {
            _tile_loadd(5, a1 + kb * kTileK, aStride);
            _tile_dpbf16ps(2, 5, 6);
            if constexpr (TwoTokens) _tile_dpbf16ps(3, 5, 7);
        }
        if (every && (kb + 1) % every == 0 && pending->waiting()) pending->storeOne();
    }
    if (pending) pending->storeAll();
    _tile_stored(0, sums[0], 64);
    if constexpr (TwoTokens) _tile_stored(1, sums[1], 64);
    if constexpr (TwoRows) _tile_stored(2, sums[2], 64);
    if constexpr (TwoRows && TwoTokens) _tile_stored(3, sums[3], 64);
}

// tileSums for a 2 x 2, 2 x 1, 1 x 2 or 1 x 1 block of tiles chosen at run time.
QE_AMX void tileSums(bool twoRows, bool twoTokens, const std::uint16_t* a0, const std::uint16_t* a1, std::int64_t aStride,
                     const std::uint16_t* b0, const std::uint16_t* b1, std::int64_t kBlocks, float (*sums)[256],
                     PendingStores* pending = nullptr) {
    if (twoRows && twoTokens) tileSums<true, true>(a0, a1, aStride, b0, b1, kBlocks, sums, pending);
    else if (twoRows) tileSums<true, false>(a0, a1, aStride, b0, b1, kBlocks, sums, pending);
    else if (twoTokens) tileSums<false, true>(a0, a1, aStride, b0, b1, kBlocks, sums, pending);
    else tileSums<false, false>(a0, a1, aStride, b0, b1, kBlocks, sums, pending);
}

}  // namespace

std::int64_t amxPackedXSize(std::int64_t numTokens, std::int64_t k) {
    return (numTokens + kTile - 1) / kTile * kTile * ((k + kTileK - 1) / kTileK * kTileK);
}

// Token tile `tile` (tokens 16 tile .. +16) of x into its place in `packed`: per block of 32
// columns, 16 rows (column pairs) of 16 tokens x 2 bf16, rounded to nearest even (VCVTNE2PS2BF16).
// Tokens past numTokens and columns past k are zeros.
QE_AMX void packXAmx(const float* x, std::int64_t ldx, std::int64_t numTokens, std::int64_t k, std::int64_t tile,
                     std::uint16_t* packed) {
    const std::int64_t kBlocks = (k + kTileK - 1) / kTileK;
    std::uint16_t* out = packed + tile * kBlocks * kTile * kTileK;
    const std::int64_t t0 = tile * kTile;
    for (std::int64_t kb = 0; kb < kBlocks; ++kb) {
        const std::int64_t c0 = kb * kTileK;
        const std::int64_t left = std::min<std::int64_t>(kTileK, k - c0);
        const __mmask16 lo = __mmask16(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
        const __mmask16 hi = __mmask16(left >= 32 ? 0xFFFFu : left <= 16 ? 0u : (1u << (left - 16)) - 1u);
        __m512 v[16];
        for (std::int64_t j = 0; j < kTile; ++j) {
            if (t0 + j >= numTokens) {
                v[j] = _mm512_setzero_ps();
                continue;
            }
            const float* row = x + (t0 + j) * ldx + c0;
            const __m512 first = _mm512_maskz_loadu_ps(lo, row);
            const __m512 second = _mm512_maskz_loadu_ps(hi, row + 16);
            // Lanes 0-15 from `first`, 16-31 from `second`: 32 bf16 in column order = 16 column pairs.
            v[j] = _mm512_castsi512_ps(__m512i(_mm512_cvtne2ps_pbh(second, first)));
        }
        transpose16(v);  // v[p]: pair p of every token
        for (int p = 0; p < 16; ++p) _mm512_store_ps(reinterpret_cast<float*>(out + kb * kTile * kTileK + p * 32), v[p]);
    }
}

namespace {

// y[t][r] = sum_k a[r][k] * b[t][k] for r < rows, t < count: `a` holds bf16 rows `aStride`
// elements apart, read in place as tiles where 16 whole rows of k % 32 == 0 columns are there,
// else copied, zero-padded; b packed by packXAmx (count tokens, k columns). Tile configuration
// loaded by the caller.
QE_AMX void productTransposed(const std::uint16_t* a, std::int64_t aStride, std::int64_t rowCount, std::int64_t k,
                              const std::uint16_t* packedB, std::int64_t count, float* y, std::int64_t ldy) {
    const std::int64_t kBlocks = (k + kTileK - 1) / kTileK;
    const std::int64_t kPadded = kBlocks * kTileK;
    const std::int64_t tokenTiles = (count + kTile - 1) / kTile;
    const std::int64_t tokenTileSize = kBlocks * kTile * kTileK;
    thread_local std::vector<std::uint16_t> padded;  // [2][16][kPadded]
    alignas(64) float sums[2][4][256];  // a block's sums, and the previous block's waiting to be stored
    int current = 0;
    PendingStores pending;
    pending.ldy = ldy;
    // Cache blocking: every tile load comes from L2 at best (one pair of weight rows over the whole
    // K is 32 x K x 2 bytes, more than L1 for K >= 1024), so keep both operands' blocks there: a
    // block of weight rows, and a block of token tiles that the rows run over before the next.
    // Without it a long prompt's packed activations (2,048 tokens x 1,024 columns: 4 MiB) come
    // from L3 again for every pair of weight rows.
    // Rows of either operand per block: weight rows, and tokens (so token tiles come in pairs).
    const std::int64_t rowsPerBlock = std::max<std::int64_t>(2 * kTile, kBlockBytes / (kPadded * 2) / (2 * kTile) * (2 * kTile));
    const std::int64_t tilesPerBlock = rowsPerBlock / kTile;
    for (std::int64_t nb = 0; nb < rowCount; nb += rowsPerBlock)
        for (std::int64_t tb = 0; tb < tokenTiles; tb += tilesPerBlock)
            for (std::int64_t n0 = nb; n0 < std::min(rowCount, nb + rowsPerBlock); n0 += 2 * kTile) {
                const std::int64_t rows = std::min(2 * kTile, rowCount - n0);
                const std::uint16_t* tiles[2] = {};
                std::int64_t stride = aStride * 2;  // bytes
                if (k % kTileK == 0 && rows % kTile == 0) {
                    tiles[0] = a + n0 * aStride;
                    tiles[1] = a + (n0 + kTile) * aStride;
                } else {  // toy shapes only: Qwen3's sizes are multiples of 128
                    padded.assign(std::size_t(2 * kTile * kPadded), 0);
                    for (std::int64_t r = 0; r < rows; ++r)
                        std::memcpy(padded.data() + r * kPadded, a + (n0 + r) * aStride, std::size_t(k) * 2);
                    tiles[0] = padded.data();
                    tiles[1] = padded.data() + kTile * kPadded;
                    stride = kPadded * 2;
                }
                const bool twoRows = rows > kTile;
                for (std::int64_t tt = tb; tt < std::min(tokenTiles, tb + tilesPerBlock); tt += 2) {
                    const bool twoTokens = tt + 1 < tokenTiles;
                    const std::uint16_t* b0 = packedB + tt * tokenTileSize;
                    tileSums(twoRows, twoTokens, tiles[0], tiles[1], stride, b0, b0 + tokenTileSize, kBlocks, sums[current],
                             &pending);
                    pending.count = pending.next = 0;
                    for (int r = 0; r < (twoRows ? 2 : 1); ++r)
                        for (int j = 0; j < (twoTokens ? 2 : 1); ++j) {
                            const std::int64_t t0 = (tt + j) * kTile;
                            pending.tiles[pending.count++] = {sums[current][2 * r + j], y + t0 * ldy + n0 + r * kTile,
                                                              std::min(kTile, count - t0), std::min(kTile, rows - r * kTile)};
                        }
                    current ^= 1;
                }
            }
    pending.storeAll();
}

// Sixteen bf16 zero-extended to 32-bit lanes.
QE_AMX inline __m512i widen16(const Bf16* p) {
    return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

}  // namespace

QE_AMX void gemmRowsAmx(const MatrixView& w, std::int64_t rowBegin, std::int64_t rowEnd, const std::uint16_t* packedX,
                        std::int64_t numTokens, float* y, std::int64_t ldy) {
    loadTileConfig();
    productTransposed(reinterpret_cast<const std::uint16_t*>(rowBytes(w, rowBegin)), w.cols, rowEnd - rowBegin, w.cols,
                      packedX, numTokens, y + rowBegin, ldy);
    _tile_release();
}

QE_AMX void dotRowsAmx(const float* q, std::int64_t qStride, int queries, const Bf16* rows, std::int64_t stride,
                       std::int64_t count, std::int64_t n, float* out, std::int64_t outStride) {
    thread_local std::vector<std::uint16_t> buffer;
    std::uint16_t* packed = alignedScratch(buffer, amxPackedXSize(queries, n));
    for (std::int64_t tile = 0; tile * kTile < queries; ++tile) packXAmx(q, qStride, queries, n, tile, packed);
    loadTileConfig();
    productTransposed(reinterpret_cast<const std::uint16_t*>(rows), stride, count, n, packed, queries, out, outStride);
    _tile_release();
}

// Per 16 columns (a tile's 16 outputs), per pair of positions, the pair's two values of each column
// side by side: [n / 16][padded count / 2][16][2]; positions past count are zeros.
QE_AMX void packValuesAmx(const Bf16* rows, std::int64_t stride, std::int64_t count, std::int64_t n, std::int64_t pairBegin,
                          std::int64_t pairEnd, std::uint16_t* packed) {
    const std::int64_t pairs = (count + kTileK - 1) / kTileK * kTile;  // padded count / 2
    for (std::int64_t tile = 0; tile * kTile < n; ++tile)
        for (std::int64_t p = pairBegin; p < pairEnd; ++p) {
            const Bf16* first = rows + 2 * p * stride + tile * kTile;
            const __m512i a = 2 * p < count ? widen16(first) : _mm512_setzero_si512();
            const __m512i b = 2 * p + 1 < count ? widen16(first + stride) : _mm512_setzero_si512();
            _mm512_store_si512(packed + (tile * pairs + p) * 2 * kTile, _mm512_or_si512(a, _mm512_slli_epi32(b, 16)));
        }
}

QE_AMX void weightedRowSumAmx(const float* weights, std::int64_t weightStride, int queries, const std::int64_t* limits,
                              const std::uint16_t* packedValues, std::int64_t count, std::int64_t n, float* out,
                              std::int64_t outStride) {
    const std::int64_t used = *std::max_element(limits, limits + queries);  // positions any query reads
    const std::int64_t kBlocks = (used + kTileK - 1) / kTileK;
    const std::int64_t kPadded = kBlocks * kTileK;
    const std::int64_t pairs = (count + kTileK - 1) / kTileK * kTile;
    const std::int64_t queryTiles = (queries + kTile - 1) / kTile;
    // The weights as bf16 rows [query tiles * 16][kPadded], zero past each query's limit.
    thread_local std::vector<std::uint16_t> buffer;
    std::uint16_t* a = alignedScratch(buffer, queryTiles * kTile * kPadded);
    for (std::int64_t g = 0; g < queryTiles * kTile; ++g) {
        std::uint16_t* row = a + g * kPadded;
        if (g >= queries) {  // a partial tile's missing queries: their sums are not stored
            std::fill(row, row + kPadded, std::uint16_t(0));
            continue;
        }
        const std::int64_t limit = limits[g];
        const float* from = weights + g * weightStride;
        for (std::int64_t j = 0; j < kPadded; j += 32) {
            const auto mask = [&](std::int64_t first) {
                const std::int64_t left = std::clamp<std::int64_t>(limit - first, 0, 16);
                return __mmask16(left == 16 ? 0xFFFFu : (1u << left) - 1u);
            };
            const __m512 lo = _mm512_maskz_loadu_ps(mask(j), from + j);
            const __m512 hi = _mm512_maskz_loadu_ps(mask(j + 16), from + j + 16);
            _mm512_store_si512(row + j, __m512i(_mm512_cvtne2ps_pbh(hi, lo)));
        }
    }
    alignas(64) float sums[4][256];
    loadTileConfig();
    for (std::int64_t qt = 0; qt < queryTiles; qt += 2) {
        const bool twoRows = qt + 1 < queryTiles;
        const std::uint16_t* a0 = a + qt * kTile * kPadded;
        for (std::int64_t ct = 0; ct * kTile < n; ct += 2) {
            const bool twoCols = (ct + 1) * kTile < n;
            // The probabilities' rows against the values' tiles of columns ct and ct + 1.
            const std::uint16_t* b0 = packedValues + ct * pairs * 2 * kTile;
            tileSums(twoRows, twoCols, a0, a0 + kTile * kPadded, kPadded * 2, b0, b0 + pairs * 2 * kTile, kBlocks, sums);
            for (int r = 0; r < (twoRows ? 2 : 1); ++r)
                for (int c = 0; c < (twoCols ? 2 : 1); ++c) {
                    const std::int64_t g0 = (qt + r) * kTile, i0 = (ct + c) * kTile;
                    const std::int64_t valid = std::min(kTile, queries - g0);
                    for (std::int64_t g = 0; g < valid; ++g)
                        _mm512_storeu_ps(out + (g0 + g) * outStride + i0, _mm512_load_ps(sums[2 * r + c] + 16 * g));
                }
        }
    }
    _tile_release();
}

}  // namespace qe::cpu::detail

#endif  // QE_CPU_HAVE_AVX2_KERNELS
