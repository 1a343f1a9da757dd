// FlashAttention's block sizes (Dao et al. 2022, Algorithm 1, line 1): with M bytes of SRAM,
// Bc = ⌈M / 4d⌉ key/value rows and Br = min(Bc, d) query rows, so that the Q, K, V and O
// tiles (4 · B · d elements) fill the budget. One pure function, shared by the CPU model,
// the UI and the CUDA kernel's launch configuration.
#pragma once

namespace dlab {

struct TileSizes {
    int rows = 1;  // Br: query rows per tile
    int cols = 1;  // Bc: key/value rows per tile
};

constexpr TileSizes flash_tile_sizes(int head_dim, long long sram_bytes, int element_bytes) {
    if (head_dim <= 0 || sram_bytes <= 0 || element_bytes <= 0) return {};
    const long long per_row = 4LL * head_dim * element_bytes;
    long long cols = (sram_bytes + per_row - 1) / per_row;
    if (cols > 1 << 30) cols = 1 << 30;
    const long long rows = cols < head_dim ? cols : head_dim;
    return {static_cast<int>(rows), static_cast<int>(cols)};
}

static_assert(flash_tile_sizes(64, 64 * 1024, 4).cols == 64);
static_assert(flash_tile_sizes(64, 64 * 1024, 4).rows == 64);
static_assert(flash_tile_sizes(128, 100 * 1024, 2).cols == 100);
static_assert(flash_tile_sizes(128, 100 * 1024, 2).rows == 100);
static_assert(flash_tile_sizes(16, 1, 4).cols == 1);

}  // namespace dlab
