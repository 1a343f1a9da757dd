#include "kv_stats_recorder.h"

namespace dlab::cli {

void KvStatsRecorder::emit(const Event& event) {
    if (const auto* stats = std::get_if<KvStatsEvent>(&event.body)) {
        if (!m_peak || stats->slots_reserved >= m_peak->slots_reserved) m_peak = *stats;
        if (stats->slots_reserved > 0) {
            m_fragmentation_sum += stats->fragmentation();
            ++m_n_reserved;
        }
    }
    if (m_next) m_next->emit(event);
}

}  // namespace dlab::cli
