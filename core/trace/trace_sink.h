// Where events go: a file, memory, a GUI queue. The session numbers them.
#pragma once

#include <vector>

#include "trace/events.h"

namespace dlab {

class TraceSink {
public:
    virtual ~TraceSink() = default;
    virtual void emit(const Event& event) = 0;
};

// Keeps every event; replaying needs no model.
class MemoryTrace final : public TraceSink {
public:
    void emit(const Event& event) override { m_events.push_back(event); }
    const std::vector<Event>& events() const { return m_events; }

private:
    std::vector<Event> m_events;
};

}  // namespace dlab
