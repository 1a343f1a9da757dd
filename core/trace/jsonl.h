// JSON Lines form of the trace: one event per line (docs/trace-format.md).
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include "trace/trace_sink.h"

namespace dlab {

// One event as one self-contained line of JSON (no trailing newline). Deterministic: keys
// in a fixed order, floats printed so that they read back to the same value.
std::string event_to_json_line(const Event& event);

// Parses one line; throws FormatError naming `source` and `line_number` and the field.
// A line from a file whose sequences refer to the previous step ("prefix") needs
// read_jsonl_trace.
Event event_from_json_line(const std::string& line, const std::string& source, int line_number);

// Streams events to a file as they come (flushed per event, so a crash keeps the prefix).
// A sequence that continues one of the previous step's is written as what it adds to it.
class JsonlTraceWriter final : public TraceSink {
public:
    explicit JsonlTraceWriter(const std::string& path);  // throws Error naming the path
    void emit(const Event& event) override;

private:
    std::string m_path;
    std::ofstream m_out;
    std::vector<SequenceRecord> m_last_sequences;  // of the last step event written
};

// Reads a whole trace file: every line must parse, the first event must be a run event
// of a supported format version, and seq numbers must increase. Throws FormatError
// "PATH:LINE: …".
std::vector<Event> read_jsonl_trace(const std::string& path);

}  // namespace dlab
