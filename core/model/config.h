// Hyper-parameters of a Llama-family model, independent of where they were read from.
#pragma once

#include <string>

namespace dlab {

struct ModelConfig {
    std::string architecture = "llama";
    std::string name;               // general.name, or the file's stem
    int dim = 0;                    // embedding width
    int hidden_dim = 0;             // feed-forward width
    int n_layers = 0;
    int n_heads = 0;                // query heads
    int n_kv_heads = 0;             // key/value heads (grouped-query attention when < n_heads)
    int vocab_size = 0;
    int context_length = 0;         // longest sequence the model was built for
    float rope_freq_base = 10000.0f;
    float rms_eps = 1e-5f;
    bool tied_output = false;       // classifier shares the token embedding matrix

    int head_dim() const { return dim / n_heads; }
    int kv_dim() const { return n_kv_heads * head_dim(); }
    int group_size() const { return n_heads / n_kv_heads; }  // query heads per KV head

    // Throws FormatError naming `source` when the numbers cannot describe a model
    // (non-positive sizes, dim not divisible by heads, heads not divisible by KV heads,
    // odd head_dim for RoPE).
    void validate(const std::string& source) const;
};

}  // namespace dlab
