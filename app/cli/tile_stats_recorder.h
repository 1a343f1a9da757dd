// A trace sink in front of the next one (the KV recorder, the optional trace file) that
// keeps what --json reports about attention: the HBM bytes the traced layer and head moved
// in the prefill passes, summed over the tile events the backend passed on.
#pragma once

#include "trace/trace_sink.h"

namespace dlab::cli {

class TileStatsRecorder final : public TraceSink {
public:
    // Every event is passed on to `next` when given. `max_events_per_pass` is the backend's
    // budget (--max-tile-events): a pass that reached it may have been cut short.
    TileStatsRecorder(int max_events_per_pass, TraceSink* next = nullptr)
        : m_budget(max_events_per_pass), m_next(next) {}

    void emit(const Event& event) override;

    int passes() const { return m_passes; }
    long long events() const { return m_events; }
    long long hbm_read_bytes() const { return m_read; }
    long long hbm_write_bytes() const { return m_write; }
    // Whether every pass's events arrived: false when the budget may have dropped some.
    bool complete() const;

private:
    int m_budget;
    TraceSink* m_next;
    int m_passes = 0;
    long long m_events = 0;
    long long m_pass_events = 0;  // in the current pass
    bool m_cut = false;           // some pass reached the budget
    long long m_read = 0;
    long long m_write = 0;
};

}  // namespace dlab::cli
