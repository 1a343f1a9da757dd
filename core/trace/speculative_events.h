// Speculative sampling events: one per round (what the drafter proposed, what the target
// made of each draft token, the token the round ended with, what both KV caches dropped)
// and one summary per run (the measured acceptance rate α next to the theory's tokens
// per target pass). Emitted by the Session when it runs with a drafter.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dlab {

// One draft token x_i as the target judged it.
struct DraftTokenRecord {
    int token = 0;
    std::string text;
    float q = 0.0f;             // the drafter's probability of x_i (after the sampler chain)
    float p = 0.0f;             // the target's probability of x_i at the same position
    std::optional<double> r;    // the uniform draw compared with p/q (sampling, verified tokens only)
    std::string outcome;        // "accepted" | "rejected" | "unverified" (after an earlier rejection)
};

// A token's probability under the target (p), the drafter (q) and, at a rejected position,
// the residual norm(max(0, p − q)) the replacement was drawn from.
struct SpecCandidate {
    int token = 0;
    std::string text;
    float p = 0.0f;
    float q = 0.0f;
    float residual = 0.0f;
};

struct SpecRoundEvent {
    int round = 0;               // 1-based; equals the event's step
    int seq = 0;                 // the sequence decoded
    std::string drafter;         // "model" | "ngram" | "table"
    int gamma = 0;               // draft tokens asked for this round
    int context_before = 0;      // prompt + generated tokens when the round began
    std::vector<DraftTokenRecord> drafts;  // [proposed ≤ gamma]
    int accepted = 0;            // leading drafts accepted
    int token = -1;              // the token the target added after the accepted drafts
    std::string token_text;
    std::string token_kind;      // "resampled" (after a rejection) | "bonus" (all accepted)
    // [accepted + 1] the verified positions' candidates, the highest max(p, q) first
    std::vector<std::vector<SpecCandidate>> positions;
    std::vector<SpecCandidate> residual;  // the rejected position's residual, highest first
    int emitted = 0;             // tokens the round added (EOS or max-new-tokens may cut it short)
    int target_tokens = 0;       // positions the target's verification pass ran
    int target_length = 0;       // target KV cache length after the round's truncation
    int target_dropped = 0;      // positions the truncation removed from the target cache
    int draft_length = 0;        // the drafter's cache length after its truncation (0: no cache)
    int draft_dropped = 0;
    int draft_passes = 0;        // the drafter's forward passes this round
    std::optional<double> draft_ms, verify_ms;  // absent unless timings are recorded
};

struct SpecSummaryEvent {
    std::string drafter;
    std::string schedule;            // "constant" | "heuristic"
    int rounds = 0;
    int target_passes = 0;           // verification passes (the first round needs none without drafts)
    int draft_passes = 0;
    int drafted = 0;                 // draft tokens proposed
    int accepted = 0;
    int rejected = 0;                // = rounds that ended with a resampled token
    int generated = 0;               // tokens the run added
    double alpha = 0.0;              // accepted / (accepted + rejected): verified drafts kept
    double mean_gamma = 0.0;         // draft tokens asked for per round
    double tokens_per_target_pass = 0.0;           // generated / rounds (a round is one target call)
    double expected_tokens_per_target_pass = 0.0;  // mean over rounds of (1 − α^{γ+1}) / (1 − α)
    // (generated − 1) − target_passes: a plain decode's passes minus these; negative when
    // rejections made the run cost more passes than plain decoding
    int target_passes_saved = 0;
    std::optional<double> draft_ms, target_ms;
};

}  // namespace dlab
