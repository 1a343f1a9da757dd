// A trace as Chrome trace-event JSON, which Perfetto and chrome://tracing open: the phases
// as spans, each decode step as an instant with its sequences, every KV cache operation,
// attention tile and speculative round on tracks of their own, and the KV pool and the
// rounds' drafted and accepted tokens as counters. Time is logical: one microsecond per
// event (measured durations, where recorded, are arguments), so the picture shows order
// and counts, not speed.
#pragma once

#include <string>
#include <vector>

#include "trace/events.h"

namespace dlab {

std::string chrome_trace_json(const std::vector<Event>& events);

// Throws Error naming the path when it cannot be written.
void write_chrome_trace(const std::vector<Event>& events, const std::string& path);

}  // namespace dlab
