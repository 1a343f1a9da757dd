// Validation, names and chain presets of GenerationConfig.
//
// Presets list every stage, including those whose parameter is "off" (temperature 1,
// top_k 0, top_p 1, min_p 0, typical_p 1, repetition_penalty 1, no_repeat_ngram_size 0):
// an off stage passes every candidate unchanged, and the trace always shows the full chain
// in the same columns, so two runs with different parameters line up stage for stage.
#include "decoding/generation_config.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "common/error.h"

namespace dlab {

namespace {

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

[[noreturn]] void refuse(const std::string& option, const std::string& problem) {
    throw InvalidArgument(option + ": " + problem);
}

void require_at_least(const char* option, int value, int minimum) {
    if (value < minimum)
        refuse(option, std::to_string(value) + " must be at least " + std::to_string(minimum));
}

// lo < value ≤ hi, or lo ≤ value ≤ hi; the negated comparisons also refuse NaN.
void require_in(const char* option, float value, double lo, double hi, bool lo_open) {
    const bool above_lo = lo_open ? value > lo : value >= lo;
    if (!(above_lo && value <= hi))
        refuse(option,
               number(value) + " is outside " + (lo_open ? "(" : "[") + number(lo) + ", " + number(hi) + "]");
}

}  // namespace

void GenerationConfig::validate() const {
    // lengths and counts
    require_at_least("--max-new-tokens", max_new_tokens, 1);
    require_at_least("--num-beams", num_beams, 1);
    require_at_least("--num-return-sequences", num_return_sequences, 1);
    require_at_least("--trace-top-n", trace_top_n, 1);
    require_at_least("--top-k", top_k, 0);
    require_at_least("--no-repeat-ngram-size", no_repeat_ngram_size, 0);
    require_at_least("--num-draft-tokens", num_draft_tokens, 1);
    if (num_draft_tokens > kMaxDraftTokens)
        refuse("--num-draft-tokens", std::to_string(num_draft_tokens) + " exceeds " + std::to_string(kMaxDraftTokens));
    require_at_least("--max-matching-ngram-size", max_matching_ngram_size, 1);

    // how many sequences the strategy can return
    if (strategy == StrategyKind::Beam && num_return_sequences > num_beams)
        refuse("--num-return-sequences",
               std::to_string(num_return_sequences) + " exceeds --num-beams " + std::to_string(num_beams));
    if ((strategy == StrategyKind::Greedy || strategy == StrategyKind::Contrastive) &&
        num_return_sequences != 1)
        refuse("--num-return-sequences", std::to_string(num_return_sequences) +
                                             " needs --strategy beam or sample (" + strategy_name(strategy) +
                                             " returns one sequence)");
    if (strategy == StrategyKind::Contrastive && top_k < 1)
        refuse("--top-k", "0 leaves contrastive search no candidates; it needs at least 1");

    // real-valued parameters
    require_in("--top-p", top_p, 0.0, 1.0, true);
    require_in("--min-p", min_p, 0.0, 1.0, false);
    require_in("--typical-p", typical_p, 0.0, 1.0, true);
    require_in("--penalty-alpha", penalty_alpha, 0.0, 1.0, false);
    if (!(temperature >= 0.0f) || !std::isfinite(temperature))
        refuse("--temperature",
               number(temperature) + " must be a finite number ≥ 0 (0: always the most likely token)");
    if (!(repetition_penalty > 0.0f) || !std::isfinite(repetition_penalty))
        refuse("--repetition-penalty", number(repetition_penalty) + " must be a finite number > 0 (1: off)");
    // The penalties are stages of the sampler chain; the search strategies read raw logits,
    // so accepting them there would silently change nothing.
    if (strategy != StrategyKind::Sample && repetition_penalty != 1.0f)
        refuse("--repetition-penalty", "applies to sampling only (a stage of the sampler chain): add --strategy sample");
    if (strategy != StrategyKind::Sample && no_repeat_ngram_size != 0)
        refuse("--no-repeat-ngram-size", "applies to sampling only (a stage of the sampler chain): add --strategy sample");
    if (!std::isfinite(length_penalty))
        refuse("--length-penalty", number(length_penalty) + " must be finite");

    // the sampler chain
    chain_preset(chain_order);
    std::set<std::string> seen;
    for (const std::string& stage : chain) {
        bool known = false;
        for (const std::string& name : known_chain_stages()) known = known || name == stage;
        if (!known)
            refuse("--chain",
                   "unknown chain stage '" + stage + "' (known: " + joined(known_chain_stages()) + ")");
        if (!seen.insert(stage).second) refuse("--chain", "stage '" + stage + "' appears twice");
    }
}

std::vector<std::string> GenerationConfig::chain_stages() const {
    return chain.empty() ? chain_preset(chain_order) : chain;
}

const char* strategy_name(StrategyKind kind) {
    switch (kind) {
        case StrategyKind::Greedy:
            return "greedy";
        case StrategyKind::Beam:
            return "beam";
        case StrategyKind::Contrastive:
            return "contrastive";
        case StrategyKind::Sample:
            return "sample";
    }
    return "?";
}

StrategyKind parse_strategy(const std::string& name) {
    for (StrategyKind kind :
         {StrategyKind::Greedy, StrategyKind::Beam, StrategyKind::Contrastive, StrategyKind::Sample})
        if (name == strategy_name(kind)) return kind;
    refuse("--strategy", "unknown strategy '" + name + "' (known: greedy, beam, contrastive, sample)");
}

const char* early_stopping_name(EarlyStopping mode) {
    switch (mode) {
        case EarlyStopping::True:
            return "true";
        case EarlyStopping::False:
            return "false";
        case EarlyStopping::Never:
            return "never";
    }
    return "?";
}

const char* draft_schedule_name(DraftSchedule schedule) {
    return schedule == DraftSchedule::Heuristic ? "heuristic" : "constant";
}

DraftSchedule parse_draft_schedule(const std::string& name) {
    for (DraftSchedule schedule : {DraftSchedule::Constant, DraftSchedule::Heuristic})
        if (name == draft_schedule_name(schedule)) return schedule;
    refuse("--draft-schedule", "'" + name + "' is not one of constant, heuristic");
}

EarlyStopping parse_early_stopping(const std::string& name) {
    for (EarlyStopping mode : {EarlyStopping::True, EarlyStopping::False, EarlyStopping::Never})
        if (name == early_stopping_name(mode)) return mode;
    refuse("--early-stopping", "'" + name + "' is not one of true, false, never");
}

std::vector<std::string> chain_preset(const std::string& order) {
    // Hugging Face: the logits processors, then the warpers in generate()'s order
    if (order == "hf")
        return {"repetition_penalty", "no_repeat_ngram", "temperature", "top_k", "top_p", "min_p",
                "typical_p"};
    // llama.cpp's common sampler: penalties, the truncations, temperature last
    if (order == "llama.cpp")
        return {"repetition_penalty", "no_repeat_ngram", "top_k", "typical_p", "top_p", "min_p",
                "temperature"};
    refuse("--chain-order", "'" + order + "' is not one of hf, llama.cpp");
}

const std::vector<std::string>& known_chain_stages() {
    static const std::vector<std::string> kStages = {
        "repetition_penalty", "no_repeat_ngram", "temperature", "top_k", "typical_p", "top_p", "min_p"};
    return kStages;
}

}  // namespace dlab
