#include "attention/io_model.h"

#include "attention/flash_attention.h"
#include "attention/naive_attention.h"

namespace dlab {

IoModelPoint io_model_point(int n, int head_dim, long long sram_bytes, int element_bytes, bool causal) {
    IoModelPoint point;
    point.n = n;
    point.head_dim = head_dim;
    point.sram_bytes = sram_bytes;
    point.element_bytes = element_bytes;
    point.causal = causal;
    point.tiles = flash_tile_sizes(head_dim, sram_bytes, element_bytes);

    AttentionShape shape;
    shape.n_queries = n;
    shape.n_keys = n;
    shape.head_dim = head_dim;
    shape.causal = causal;
    shape.element_bytes = element_bytes;
    point.naive = naive_attention_cost(shape);
    point.flash = flash_attention_cost(shape, point.tiles);

    const double nd = double(n) * head_dim;
    const double sram_elements = double(sram_bytes) / element_bytes;
    point.naive_closed_form_bytes = (nd + double(n) * n) * element_bytes;
    point.flash_closed_form_bytes = nd * nd / sram_elements * element_bytes;
    return point;
}

std::vector<IoModelPoint> io_model_series(const std::vector<int>& ns, const std::vector<int>& head_dims,
                                          const std::vector<long long>& sram_sizes, int element_bytes, bool causal) {
    std::vector<IoModelPoint> points;
    for (int d : head_dims)
        for (long long m : sram_sizes)
            for (int n : ns) points.push_back(io_model_point(n, d, m, element_bytes, causal));
    return points;
}

}  // namespace dlab
