// Attention tile events: what one step of naive attention or one FlashAttention tile moved
// between HBM and on-chip SRAM, and — for one highlighted query row — how its running
// softmax statistics changed. Emitted by core/attention through a TileObserver.
#pragma once

#include <optional>
#include <string>

namespace dlab {

struct TileEvent {
    std::string kind;        // "naive_qk" | "naive_softmax" | "naive_pv" | "flash_init" | "flash_tile"
    int layer = -1;          // -1 outside the engine (io-model, tests)
    int head = -1;
    int q_block = -1;        // flash_tile: query block i
    int kv_block = -1;       // flash_tile: key/value block j
    int q_first = 0;         // query rows q_first … q_first+q_rows−1
    int q_rows = 0;
    int kv_first = 0;        // key/value rows kv_first … kv_first+kv_rows−1
    int kv_rows = 0;
    long long hbm_read_bytes = 0;
    long long hbm_write_bytes = 0;
    long long sram_bytes = 0;  // resident on chip during the step
    long long flops = 0;       // multiply-adds of the matrix products, ×2
    bool masked = false;       // flash_tile: part of the tile lies above the causal diagonal
    // The highlighted query row's running max m and sum ℓ before and after this tile
    // (absent when the tile does not hold that row, or none is highlighted).
    std::optional<float> m_before, m_after, l_before, l_after;
};

}  // namespace dlab
