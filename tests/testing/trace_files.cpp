#include "testing/trace_files.h"

#include <fstream>
#include <random>
#include <stdexcept>

#include "common/error.h"
#include "trace/jsonl.h"

namespace dlab::testing {

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("test setup: \"" + from + "\" not in " + text);
    return text.replace(at, from.size(), to);
}

DamageResult damage_trace(const std::string& lines, const std::string& path, uint32_t seed, int trials) {
    DamageResult result;
    std::mt19937 rng(seed);
    for (int trial = 0; trial < trials; ++trial) {
        std::string bytes = lines;
        const size_t at = rng() % bytes.size();
        if (trial % 2 == 0)
            bytes[at] = "{}[]\",:0-9x"[rng() % 12];
        else
            bytes.erase(at, 1 + rng() % 12);
        write_bytes(path, bytes);
        try {
            (void)read_jsonl_trace(path);
        } catch (const FormatError& e) {
            ++result.refused;
            if (std::string(e.what()).rfind(path + ":", 0) != 0)
                result.problem = "trial " + std::to_string(trial) + ": the message does not name the file: " + e.what();
        } catch (const std::exception& e) {
            result.problem = "trial " + std::to_string(trial) + ": wrong exception type: " + e.what();
        }
        if (!result.problem.empty()) break;
    }
    return result;
}

}  // namespace dlab::testing
