// The sampler chain's stages, each with Hugging Face's semantics, over one candidate array,
// and the rankings the strategies' trace records share.
//
// A stage sees the current logits of the candidates still kept and either rewrites them
// (penalties, temperature) or removes candidates (the truncations), marking each removal
// with its own stage index. Probabilities are always the softmax over the kept candidates
// (computed in double). Every stage keeps at least one candidate with a finite logit,
// except no_repeat_ngram, which may ban them all; the chain refuses that.
#pragma once

#include <vector>

namespace dlab {

struct StageArray {
    std::vector<float> logits;   // [n_vocab] current logit of each token
    std::vector<int> pruned_at;  // [n_vocab] stage index that removed the token, -1 while kept
    int stage = 0;               // index of the stage now running (recorded on removal)

    int n_vocab() const { return static_cast<int>(logits.size()); }
    bool kept(int token) const { return pruned_at[token] < 0; }
    void prune(int token) { pruned_at[token] = stage; }
};

// [n_vocab] softmax over the kept candidates' logits, 0 for pruned ones. Throws
// InvalidArgument when no kept candidate has a finite logit.
std::vector<double> kept_softmax(const StageArray& array);

// θ ≠ 1: every token that occurs in `context` gets logit/θ when its logit is > 0, logit·θ
// otherwise (RepetitionPenaltyLogitsProcessor), so θ > 1 always makes it less likely.
void repetition_penalty_stage(StageArray& array, float theta, const std::vector<int>& context);
// n ≥ 1: bans every token that would complete an n-gram already present in `context`
// (NoRepeatNGramLogitsProcessor): the last n − 1 context tokens are matched against every
// earlier (n − 1)-gram and the token that followed it is removed. n = 1 bans every context token.
void no_repeat_ngram_stage(StageArray& array, int n, const std::vector<int>& context);
// T ≠ 1: logits / T. T = 0 keeps only the highest logit (ties: the lowest id), which makes
// sampling greedy; the logits are then left as they were.
void temperature_stage(StageArray& array, float temperature);
// k ≥ 1: keeps every candidate whose logit is ≥ the k-th highest, so candidates tied with
// the k-th all stay (TopKLogitsWarper masks values below torch.topk's k-th value).
void top_k_stage(StageArray& array, int k);
// p < 1: sorted by probability descending (ties: lower id first), keeps the smallest prefix
// whose cumulative probability reaches p (TopPLogitsWarper: removes the ascending prefix
// whose cumulative probability is ≤ 1 − p).
void top_p_stage(StageArray& array, float p);
// m > 0: keeps the candidates whose probability is ≥ m · the largest probability (MinPLogitsWarper).
void min_p_stage(StageArray& array, float m);
// τ < 1 (TypicalLogitsWarper): with entropy H = −Σ p log p, sorts by |−log p − H| ascending
// (ties: lower id first), finds the smallest prefix whose cumulative probability reaches τ,
// and keeps every candidate whose |−log p − H| is ≤ that of the prefix's last member.
void typical_p_stage(StageArray& array, float tau);

// The n highest logits' token ids [min(n, n_vocab)], highest first, ties by lower id.
std::vector<int> top_tokens_by_logit(const float* logits, int n_vocab, int n);  // logits: [n_vocab]

// The score recorded for a candidate of probability p: log p, or kImpossibleLogProb when
// p is 0 (a pruned candidate), so that trace files hold only finite numbers.
constexpr double kImpossibleLogProb = -1e30;
double log_prob_score(double p);

}  // namespace dlab
