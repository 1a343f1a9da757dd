// A trace sink in front of the optional trace file that keeps what --json reports about
// the KV cache: the pool when it held the most slots, and how much of it sat empty.
#pragma once

#include <optional>

#include "trace/trace_sink.h"

namespace dlab::cli {

class KvStatsRecorder final : public TraceSink {
public:
    // Every event is passed on to `next` when given.
    explicit KvStatsRecorder(TraceSink* next = nullptr) : m_next(next) {}

    void emit(const Event& event) override;

    // The stats with the most slots reserved — the last such, so that a cache that
    // reserves everything up front (contiguous) is seen at its fullest; empty when the
    // backend reported none (table models have no KV cache).
    const std::optional<KvStatsEvent>& peak() const { return m_peak; }
    // Mean fragmentation over the stats that had slots reserved (the pool after the run
    // released its sequences is empty and would only dilute it).
    double mean_fragmentation() const { return m_n_reserved > 0 ? m_fragmentation_sum / m_n_reserved : 0.0; }

private:
    TraceSink* m_next;
    std::optional<KvStatsEvent> m_peak;
    double m_fragmentation_sum = 0.0;
    int m_n_reserved = 0;  // stats events with slots reserved
};

}  // namespace dlab::cli
