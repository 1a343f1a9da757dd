#include "testing/reference_forward.h"

#include <algorithm>
#include <cmath>

namespace dlab::testing {

namespace {

using Vec = std::vector<double>;

// y[o] = Σ_i w[o][i] x[i]
Vec matvec(const RowMatrix& w, const Vec& x) {
    Vec y(w.rows(), 0.0);
    for (int o = 0; o < w.rows(); ++o)
        for (int i = 0; i < w.cols(); ++i) y[o] += static_cast<double>(w(o, i)) * x[i];
    return y;
}

Vec rmsnorm(const Vec& x, const Vector& weight, double eps) {
    double ss = 0.0;
    for (double v : x) ss += v * v;
    const double scale = 1.0 / std::sqrt(ss / x.size() + eps);
    Vec y(x.size());
    for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * scale * weight[i];
    return y;
}

// rotate pairs (2i, 2i+1) inside each head by pos·base^(−2i/head_dim)
void rope(Vec& x, int pos, int head_dim, double base) {
    for (size_t h = 0; h < x.size() / head_dim; ++h) {
        for (int i = 0; i < head_dim / 2; ++i) {
            const double angle = pos * std::pow(base, -2.0 * i / head_dim);
            const double a = x[h * head_dim + 2 * i];
            const double b = x[h * head_dim + 2 * i + 1];
            x[h * head_dim + 2 * i] = a * std::cos(angle) - b * std::sin(angle);
            x[h * head_dim + 2 * i + 1] = a * std::sin(angle) + b * std::cos(angle);
        }
    }
}

}  // namespace

std::vector<std::vector<double>> reference_logits(const ModelConfig& c, const ModelWeights& w,
                                                  const std::vector<int>& tokens, int window, int sinks) {
    const int n = static_cast<int>(tokens.size());
    const int hd = c.dim / c.n_heads;
    const int group = c.n_heads / c.n_kv_heads;

    std::vector<Vec> x(n);
    for (int t = 0; t < n; ++t) {
        x[t].resize(c.dim);
        for (int i = 0; i < c.dim; ++i) x[t][i] = w.token_embedding(tokens[t], i);
    }
    for (int l = 0; l < c.n_layers; ++l) {
        const LayerWeights& lw = w.layers[l];
        std::vector<Vec> q(n), k(n), v(n);
        for (int t = 0; t < n; ++t) {
            const Vec xn = rmsnorm(x[t], lw.attn_norm, c.rms_eps);
            q[t] = matvec(lw.wq, xn);
            k[t] = matvec(lw.wk, xn);
            v[t] = matvec(lw.wv, xn);
            rope(q[t], t, hd, c.rope_freq_base);
            rope(k[t], t, hd, c.rope_freq_base);
        }
        for (int t = 0; t < n; ++t) {
            Vec att(c.n_heads * hd, 0.0);
            for (int h = 0; h < c.n_heads; ++h) {
                const int kvh = h / group;
                Vec score(t + 1);
                double max_score = -1e300;
                const auto masked = [&](int s) { return window > 0 && t - s >= window && s >= sinks; };
                for (int s = 0; s <= t; ++s) {
                    if (masked(s)) continue;
                    double dot = 0.0;
                    for (int i = 0; i < hd; ++i) dot += q[t][h * hd + i] * k[s][kvh * hd + i];
                    score[s] = dot / std::sqrt(static_cast<double>(hd));
                    max_score = std::max(max_score, score[s]);
                }
                double sum = 0.0;
                for (int s = 0; s <= t; ++s) sum += (score[s] = masked(s) ? 0.0 : std::exp(score[s] - max_score));
                for (int s = 0; s <= t; ++s)
                    for (int i = 0; i < hd; ++i) att[h * hd + i] += score[s] / sum * v[s][kvh * hd + i];
            }
            const Vec o = matvec(lw.wo, att);
            for (int i = 0; i < c.dim; ++i) x[t][i] += o[i];

            const Vec xn = rmsnorm(x[t], lw.ffn_norm, c.rms_eps);
            const Vec g = matvec(lw.w_gate, xn);
            const Vec u = matvec(lw.w_up, xn);
            Vec hidden(c.hidden_dim);
            for (int i = 0; i < c.hidden_dim; ++i) hidden[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            const Vec d = matvec(lw.w_down, hidden);
            for (int i = 0; i < c.dim; ++i) x[t][i] += d[i];
        }
    }
    std::vector<Vec> logits(n);
    const RowMatrix& classifier = c.tied_output ? w.token_embedding : w.output;
    for (int t = 0; t < n; ++t) logits[t] = matvec(classifier, rmsnorm(x[t], w.output_norm, c.rms_eps));
    return logits;
}

std::vector<int> reference_greedy(const ModelConfig& config, const ModelWeights& weights,
                                  std::vector<int> prompt, int n_new) {
    std::vector<int> generated;
    for (int i = 0; i < n_new; ++i) {
        const Vec last = reference_logits(config, weights, prompt).back();
        const int next = static_cast<int>(std::max_element(last.begin(), last.end()) - last.begin());
        generated.push_back(next);
        prompt.push_back(next);
    }
    return generated;
}

double relative_error(const float* actual, const std::vector<double>& reference) {
    double max_diff = 0.0, max_ref = 0.0;
    for (size_t i = 0; i < reference.size(); ++i) {
        max_diff = std::max(max_diff, std::abs(actual[i] - reference[i]));
        max_ref = std::max(max_ref, std::abs(reference[i]));
    }
    return max_diff / max_ref;
}

}  // namespace dlab::testing
