// Trace-file helpers the trace tests share: raw bytes to a file, a text with one part
// replaced, and seeded damage of a trace that the reader must survive.
#pragma once

#include <cstdint>
#include <string>

namespace dlab::testing {

void write_bytes(const std::string& path, const std::string& bytes);

// `text` with the first `from` replaced by `to`; throws std::logic_error when `from` is absent.
std::string replaced(std::string text, const std::string& from, const std::string& to);

struct DamageResult {
    int refused = 0;       // damaged files the reader refused with a FormatError naming the file
    std::string problem;   // non-empty: a trial that crashed the reader's contract, and how
};

// `trials` seeded mutations of `lines` (every even trial one byte replaced by a JSON
// delimiter or digit, every odd one a run of 1–12 bytes erased), each written to `path` and
// read back: each must read, or fail with a FormatError whose message starts with the path.
DamageResult damage_trace(const std::string& lines, const std::string& path, uint32_t seed, int trials = 300);

}  // namespace dlab::testing
