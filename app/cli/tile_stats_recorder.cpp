#include "tile_stats_recorder.h"

namespace dlab::cli {

void TileStatsRecorder::emit(const Event& event) {
    if (const auto* tile = std::get_if<TileEvent>(&event.body)) {
        // each prefill pass of the traced head opens with one of these (the budget always
        // lets the first event of a pass through unless it is 0)
        if (tile->kind == "flash_init" || tile->kind == "naive_qk") {
            ++m_passes;
            m_pass_events = 0;
        }
        ++m_events;
        if (++m_pass_events >= m_budget) m_cut = true;
        m_read += tile->hbm_read_bytes;
        m_write += tile->hbm_write_bytes;
    }
    if (m_next) m_next->emit(event);
}

bool TileStatsRecorder::complete() const { return m_budget > 0 && !m_cut; }

}  // namespace dlab::cli
