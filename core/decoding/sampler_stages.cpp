#include "decoding/sampler_stages.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "common/error.h"

namespace dlab {

namespace {

// The kept token ids, in id order.
std::vector<int> kept_tokens(const StageArray& array) {
    std::vector<int> tokens;
    for (int t = 0; t < array.n_vocab(); ++t)
        if (array.kept(t)) tokens.push_back(t);
    return tokens;
}

// The highest kept logit; -inf when none is finite.
double kept_max_logit(const StageArray& array) {
    double max = -std::numeric_limits<double>::infinity();
    for (int t = 0; t < array.n_vocab(); ++t)
        if (array.kept(t) && array.logits[t] > max) max = array.logits[t];
    return max;
}

}  // namespace

std::vector<double> kept_softmax(const StageArray& array) {
    const double max = kept_max_logit(array);
    if (!std::isfinite(max))
        throw InvalidArgument(
            "sampler chain: no candidate token is left (every one was pruned or has logit -inf)");
    std::vector<double> probs(array.n_vocab(), 0.0);
    double sum = 0.0;
    for (int t = 0; t < array.n_vocab(); ++t)
        if (array.kept(t)) sum += probs[t] = std::exp(array.logits[t] - max);
    for (double& p : probs) p /= sum;
    return probs;
}

void repetition_penalty_stage(StageArray& array, float theta, const std::vector<int>& context) {
    if (theta == 1.0f) return;
    std::vector<char> penalized(array.n_vocab(), 0);  // [n_vocab] each token once, however often it occurs
    for (int token : context) {
        if (token < 0 || token >= array.n_vocab())
            throw InvalidArgument("sampler chain: context token " + std::to_string(token) +
                                  " is outside the vocabulary of " + std::to_string(array.n_vocab()));
        if (penalized[token] || !array.kept(token)) continue;
        penalized[token] = 1;
        float& logit = array.logits[token];
        logit = logit > 0.0f ? logit / theta : logit * theta;
    }
}

void no_repeat_ngram_stage(StageArray& array, int n, const std::vector<int>& context) {
    if (n <= 0) return;
    const int length = static_cast<int>(context.size());
    if (length + 1 < n) return;
    // the n − 1 tokens the next one would complete an n-gram with
    const int prefix = length - (n - 1);
    for (int start = 0; start + n <= length; ++start) {
        bool same = true;
        for (int j = 0; j < n - 1 && same; ++j) same = context[start + j] == context[prefix + j];
        if (!same) continue;
        const int banned = context[start + n - 1];
        if (banned >= 0 && banned < array.n_vocab() && array.kept(banned)) array.prune(banned);
    }
}

void temperature_stage(StageArray& array, float temperature) {
    if (temperature == 1.0f) return;
    const std::vector<int> tokens = kept_tokens(array);
    if (temperature == 0.0f) {
        // the limit T → 0: all mass on the highest logit
        int best = tokens.empty() ? -1 : tokens.front();
        for (int t : tokens)
            if (array.logits[t] > array.logits[best]) best = t;
        for (int t : tokens)
            if (t != best) array.prune(t);
        return;
    }
    for (int t : tokens) array.logits[t] /= temperature;
}

void top_k_stage(StageArray& array, int k) {
    if (k <= 0) return;
    std::vector<float> values;  // [n_kept]
    for (int t : kept_tokens(array)) values.push_back(array.logits[t]);
    if (static_cast<int>(values.size()) <= k) return;
    std::nth_element(values.begin(), values.begin() + (k - 1), values.end(), std::greater<float>());
    const float kth = values[k - 1];
    for (int t = 0; t < array.n_vocab(); ++t)
        if (array.kept(t) && array.logits[t] < kth) array.prune(t);
}

void top_p_stage(StageArray& array, float p) {
    if (p >= 1.0f) return;
    const std::vector<double> probs = kept_softmax(array);
    // most probable first; a higher logit is a higher probability
    std::vector<int> order = kept_tokens(array);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return array.logits[a] > array.logits[b]; });
    // the smallest prefix whose cumulative probability reaches p
    size_t n_keep = order.size();
    double cumulative = 0.0;
    for (size_t j = 0; j < order.size(); ++j) {
        cumulative += probs[order[j]];
        if (cumulative >= p) {
            n_keep = j + 1;
            break;
        }
    }
    for (size_t j = n_keep; j < order.size(); ++j) array.prune(order[j]);
}

void min_p_stage(StageArray& array, float m) {
    if (m <= 0.0f) return;
    const std::vector<double> probs = kept_softmax(array);
    const double threshold = m * *std::max_element(probs.begin(), probs.end());
    for (int t : kept_tokens(array))
        if (probs[t] < threshold) array.prune(t);
}

void typical_p_stage(StageArray& array, float tau) {
    if (tau >= 1.0f) return;
    const std::vector<int> tokens = kept_tokens(array);
    const std::vector<double> probs = kept_softmax(array);

    // log-probabilities and the entropy H of the kept distribution
    const double max = kept_max_logit(array);
    double sum = 0.0;
    for (int t : tokens) sum += std::exp(array.logits[t] - max);
    const double log_sum = std::log(sum);
    std::vector<double> surprise(array.n_vocab(), 0.0);  // [n_vocab] −log p
    double entropy = 0.0;
    for (int t : tokens) {
        surprise[t] = -(array.logits[t] - max - log_sum);
        if (probs[t] > 0.0) entropy += probs[t] * surprise[t];
    }

    // distance from the expected surprise; the most typical first
    std::vector<double> distance(array.n_vocab(), 0.0);  // [n_vocab] |−log p − H|
    for (int t : tokens) distance[t] = std::abs(surprise[t] - entropy);
    std::vector<int> order = tokens;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return distance[a] < distance[b]; });

    // the smallest prefix reaching τ; candidates as typical as its last member stay too
    size_t last = order.size() - 1;
    double cumulative = 0.0;
    for (size_t j = 0; j < order.size(); ++j) {
        cumulative += probs[order[j]];
        if (cumulative >= tau) {
            last = j;
            break;
        }
    }
    const double threshold = distance[order[last]];
    for (int t : tokens)
        if (distance[t] > threshold) array.prune(t);
}

std::vector<int> top_tokens_by_logit(const float* logits, int n_vocab, int n) {
    std::vector<int> order(n_vocab);
    std::iota(order.begin(), order.end(), 0);
    const int n_top = std::min(n, n_vocab);
    std::partial_sort(order.begin(), order.begin() + n_top, order.end(), [&](int a, int b) {
        return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    });
    order.resize(n_top);
    return order;
}

double log_prob_score(double p) { return p > 0.0 ? std::log(p) : kImpossibleLogProb; }

}  // namespace dlab
