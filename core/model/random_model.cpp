#include "model/random_model.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

namespace dlab {

ModelConfig small_config() {
    ModelConfig c;
    c.name = "random-small";
    c.dim = 64;
    c.hidden_dim = 160;
    c.n_layers = 3;
    c.n_heads = 8;
    c.n_kv_heads = 2;
    c.vocab_size = 320;
    c.context_length = 128;
    c.rope_freq_base = 10000.0f;
    c.rms_eps = 1e-5f;
    c.tied_output = false;
    return c;
}

ModelConfig stories15m_config() {
    ModelConfig c;
    c.name = "stories15M-shape";
    c.dim = 288;
    c.hidden_dim = 768;
    c.n_layers = 6;
    c.n_heads = 6;
    c.n_kv_heads = 6;
    c.vocab_size = 32000;
    c.context_length = 256;
    c.tied_output = true;
    return c;
}

ModelConfig stories110m_config() {
    ModelConfig c;
    c.name = "stories110M-shape";
    c.dim = 768;
    c.hidden_dim = 2048;
    c.n_layers = 12;
    c.n_heads = 12;
    c.n_kv_heads = 12;
    c.vocab_size = 32000;
    c.context_length = 1024;
    c.tied_output = true;
    return c;
}

namespace {

RowMatrix random_matrix(std::mt19937& rng, int rows, int cols, float scale) {
    std::uniform_real_distribution<float> dist(-scale / std::sqrt(static_cast<float>(cols)),
                                               scale / std::sqrt(static_cast<float>(cols)));
    RowMatrix m(rows, cols);
    advise_huge_pages(m);  // before the first write
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = dist(rng);
    return m;
}

Vector random_norm(std::mt19937& rng, int n) {
    std::uniform_real_distribution<float> dist(0.8f, 1.2f);
    Vector v(n);
    for (int i = 0; i < n; ++i) v[i] = dist(rng);
    return v;
}

}  // namespace

ModelWeights random_weights(const ModelConfig& c, uint32_t seed) {
    std::mt19937 rng(seed);
    ModelWeights w;
    // a larger embedding scale keeps logits from being nearly uniform
    w.token_embedding = random_matrix(rng, c.vocab_size, c.dim, 8.0f);
    for (int l = 0; l < c.n_layers; ++l) {
        LayerWeights layer;
        layer.attn_norm = random_norm(rng, c.dim);
        layer.wq = random_matrix(rng, c.n_heads * c.head_dim(), c.dim, 2.0f);
        layer.wk = random_matrix(rng, c.kv_dim(), c.dim, 2.0f);
        layer.wv = random_matrix(rng, c.kv_dim(), c.dim, 1.0f);
        layer.wo = random_matrix(rng, c.dim, c.n_heads * c.head_dim(), 1.0f);
        layer.ffn_norm = random_norm(rng, c.dim);
        layer.w_gate = random_matrix(rng, c.hidden_dim, c.dim, 1.0f);
        layer.w_up = random_matrix(rng, c.hidden_dim, c.dim, 1.0f);
        layer.w_down = random_matrix(rng, c.dim, c.hidden_dim, 1.0f);
        w.layers.push_back(std::move(layer));
    }
    w.output_norm = random_norm(rng, c.dim);
    if (!c.tied_output) w.output = random_matrix(rng, c.vocab_size, c.dim, 4.0f);
    return w;
}

Vocab simple_vocab(int vocab_size) {
    Vocab v;
    auto add = [&](std::string piece, float score, TokenType type) {
        v.tokens.push_back(std::move(piece));
        v.scores.push_back(score);
        v.types.push_back(type);
    };
    add("<unk>", 0.0f, TokenType::Unknown);
    add("<s>", 0.0f, TokenType::Control);
    add("</s>", 0.0f, TokenType::Control);
    for (int b = 0; b < 256; ++b) {
        char piece[8];
        std::snprintf(piece, sizeof piece, "<0x%02X>", b);
        add(piece, 0.0f, TokenType::Byte);
    }
    add("\xE2\x96\x81", -1.0f, TokenType::Normal);  // "▁"
    for (char ch = 'a'; ch <= 'z'; ++ch) add(std::string(1, ch), -2.0f, TokenType::Normal);
    for (int i = v.size(); i < vocab_size; ++i) add("<unused" + std::to_string(i) + ">", -1000.0f, TokenType::Unused);
    return v;
}

Model random_model(const ModelConfig& config, uint32_t seed, bool with_vocab) {
    Model m;
    m.path = "random";
    m.config = config;
    m.weights = random_weights(config, seed);
    if (with_vocab) {
        m.vocab = simple_vocab(config.vocab_size);
        m.tokenizer_kind = "llama";
    }
    return m;
}

}  // namespace dlab
