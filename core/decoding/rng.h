// The session's one seeded generator. Its numbers are defined here bit for bit (not by
// the standard library's distributions), so one seed gives the same draws, tokens and
// trace on every machine and on both backends.
#pragma once

#include <cstdint>

namespace dlab {

class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}

    // SplitMix64: a full-period 64-bit generator, simple enough to reproduce anywhere.
    uint64_t next_u64() {
        uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

private:
    uint64_t m_state;
};

}  // namespace dlab
