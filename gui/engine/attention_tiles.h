// Aggregated attention maps for long contexts (issue #9). A 32K-token map has 5·10⁸ causal
// probabilities per head; the worker folds the rows it recomputes into block × block tiles as it
// goes, so neither side ever holds the exact matrix. Each tile keeps the maximum (a sharp head
// stays visible however far out one zooms) and the mean over its causal cells.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace qe::gui {

enum class TileMode { Max, Mean };

// The smallest block side b such that ceil(queries / b) × ceil(keys / b) <= maxCells.
std::int64_t tileBlock(std::int64_t queries, std::int64_t keys, std::int64_t maxCells);

// Tiles covering queries [firstPos, lastPos] and keys [0, lastPos]; the last tile row and column
// may be partial. Cells above the diagonal (key > query) are not probabilities and count for
// neither statistic. Allocates rows() × cols() tiles once; addRow does not allocate.
class AttentionTiles {
public:
    AttentionTiles(std::int64_t firstPos, std::int64_t lastPos, std::int64_t block);

    std::int64_t rows() const { return m_rows; }
    std::int64_t cols() const { return m_cols; }
    std::int64_t block() const { return m_block; }

    // Folds in the probabilities of query `pos` (firstPos <= pos <= lastPos) over keys 0..pos
    // (row.size() > pos). Each row once, in any order.
    void addRow(std::int64_t pos, std::span<const float> row);

    // [rows][cols], row-major: each tile's maximum (0 where a tile has no causal cell).
    const std::vector<float>& maxima() const { return m_max; }
    // [rows][cols]: each tile's mean over the causal cells added (0 where none).
    std::vector<float> means() const;

private:
    std::int64_t m_firstPos, m_lastPos, m_block, m_rows, m_cols;
    std::vector<float> m_max;            // [rows][cols]
    std::vector<double> m_sum;           // [rows][cols]
    std::vector<std::uint32_t> m_count;  // [rows][cols], causal cells added
};

}  // namespace qe::gui
