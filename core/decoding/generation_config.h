// Every decoding parameter, with Hugging Face generate()'s names and defaults, and the
// sampler-chain order. validate() refuses out-of-range values with one clear message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dlab {

enum class StrategyKind { Greedy, Beam, Contrastive, Sample };

// Hugging Face's early_stopping: true stops a beam group once num_beams hypotheses are
// finished; false stops when no running beam can beat the worst finished one at the
// current length; never uses the best attainable score at max length.
enum class EarlyStopping { True, False, Never };

// Speculative sampling's draft length γ per round: fixed, or Hugging Face's heuristic
// (+2 after a round whose drafts were all accepted, −1 otherwise, never below 1).
enum class DraftSchedule { Constant, Heuristic };

// The longest draft a round may propose (the target verifies γ + 1 positions in one pass).
constexpr int kMaxDraftTokens = 64;

struct GenerationConfig {
    StrategyKind strategy = StrategyKind::Greedy;
    int max_new_tokens = 64;
    bool stop_at_eos = true;

    // beam search
    int num_beams = 1;
    float length_penalty = 1.0f;  // score = sum log p / generated_length^length_penalty
    EarlyStopping early_stopping = EarlyStopping::False;
    int num_return_sequences = 1;

    // contrastive search: score = (1 − α)·p(v) − α·max_j cos(h_v, h_j) over the top_k
    float penalty_alpha = 0.6f;

    // sampling (top_k also sizes the contrastive candidate set)
    float temperature = 1.0f;
    int top_k = 50;               // 0: off
    float top_p = 1.0f;           // 1: off
    float min_p = 0.0f;           // 0: off
    float typical_p = 1.0f;       // 1: off
    float repetition_penalty = 1.0f;  // 1: off
    int no_repeat_ngram_size = 0;     // 0: off

    // The sampler chain: stage names in order ("repetition_penalty", "no_repeat_ngram",
    // "temperature", "top_k", "typical_p", "top_p", "min_p"). Empty: the preset below.
    std::vector<std::string> chain;
    std::string chain_order = "hf";  // "hf" | "llama.cpp"

    // speculative sampling (on when the session is given a drafter)
    int num_draft_tokens = 4;                           // γ: draft tokens per round (the first, under heuristic)
    DraftSchedule draft_schedule = DraftSchedule::Constant;
    int max_matching_ngram_size = 2;                    // prompt lookup: longest n-gram it matches

    uint64_t seed = 0;
    int trace_top_n = 50;  // candidates recorded per sequence and step

    // Throws InvalidArgument naming the parameter (in CLI kebab-case) and the range.
    void validate() const;
    // The chain in effect: `chain` if given, else the preset of `chain_order`.
    std::vector<std::string> chain_stages() const;
};

const char* strategy_name(StrategyKind kind);
StrategyKind parse_strategy(const std::string& name);        // throws InvalidArgument
const char* early_stopping_name(EarlyStopping mode);
EarlyStopping parse_early_stopping(const std::string& name);  // "true" | "false" | "never"
const char* draft_schedule_name(DraftSchedule schedule);
DraftSchedule parse_draft_schedule(const std::string& name);  // "constant" | "heuristic"

// Hugging Face: penalties, then temperature → top_k → top_p → min_p → typical_p.
// llama.cpp: penalties → top_k → typical_p → top_p → min_p → temperature last.
std::vector<std::string> chain_preset(const std::string& order);  // throws InvalidArgument
// Every stage name the chain knows, for validation and help.
const std::vector<std::string>& known_chain_stages();

}  // namespace dlab
