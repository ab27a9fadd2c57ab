// AttentionTiles: block maximum and mean of attention rows.
#include "gui/engine/attention_tiles.h"

#include <algorithm>
#include <cassert>

namespace qe::gui {

namespace {
std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

std::int64_t tileBlock(std::int64_t queries, std::int64_t keys, std::int64_t maxCells) {
    maxCells = std::max<std::int64_t>(maxCells, 1);
    std::int64_t block = 1;
    while (ceilDiv(queries, block) * ceilDiv(keys, block) > maxCells) ++block;
    return block;
}

AttentionTiles::AttentionTiles(std::int64_t firstPos, std::int64_t lastPos, std::int64_t block)
    : m_firstPos(firstPos), m_lastPos(lastPos), m_block(std::max<std::int64_t>(block, 1)),
      m_rows(ceilDiv(lastPos - firstPos + 1, m_block)), m_cols(ceilDiv(lastPos + 1, m_block)) {
    const auto cells = static_cast<std::size_t>(m_rows * m_cols);
    m_max.assign(cells, 0.0f);
    m_sum.assign(cells, 0.0);
    m_count.assign(cells, 0);
}

void AttentionTiles::addRow(std::int64_t pos, std::span<const float> row) {
    assert(pos >= m_firstPos && pos <= m_lastPos && static_cast<std::int64_t>(row.size()) > pos);
    const std::int64_t base = (pos - m_firstPos) / m_block * m_cols;
    for (std::int64_t col = 0; col * m_block <= pos; ++col) {
        const std::int64_t end = std::min((col + 1) * m_block, pos + 1);  // causal: keys <= pos
        const auto cell = static_cast<std::size_t>(base + col);
        float peak = m_max[cell];
        double sum = 0.0;
        for (std::int64_t key = col * m_block; key < end; ++key) {
            peak = std::max(peak, row[static_cast<std::size_t>(key)]);
            sum += row[static_cast<std::size_t>(key)];
        }
        m_max[cell] = peak;
        m_sum[cell] += sum;
        m_count[cell] += static_cast<std::uint32_t>(end - col * m_block);
    }
}

std::vector<float> AttentionTiles::means() const {
    std::vector<float> out(m_sum.size(), 0.0f);
    for (std::size_t i = 0; i < out.size(); ++i)
        if (m_count[i] > 0) out[i] = static_cast<float>(m_sum[i] / m_count[i]);
    return out;
}

}  // namespace qe::gui
