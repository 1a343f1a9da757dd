#include "options/decoding_options.h"

#include <limits>

#include "common/error.h"

namespace dlab {

namespace {

constexpr int kIntMax = std::numeric_limits<int>::max();

}  // namespace

const std::set<std::string>& decoding_option_names() {
    static const std::set<std::string> names = {
        "strategy",    "max-new-tokens", "num-beams",          "length-penalty",       "early-stopping",
        "num-return-sequences", "penalty-alpha", "top-k",      "top-p",                "min-p",
        "typical-p",   "temperature",    "repetition-penalty", "no-repeat-ngram-size", "chain-order",
        "chain",       "seed",           "trace-top-n"};
    return names;
}

GenerationConfig decoding_config(const Args& args, GenerationConfig c) {
    if (args.has("strategy")) c.strategy = parse_strategy(args.value("strategy"));
    if (c.strategy == StrategyKind::Contrastive && !args.has("top-k")) c.top_k = 4;
    // integers are range-checked loosely here; validate() states the real ranges
    c.max_new_tokens = args.integer("max-new-tokens", c.max_new_tokens, std::numeric_limits<int>::min(), kIntMax);
    c.num_beams = args.integer("num-beams", c.num_beams, std::numeric_limits<int>::min(), kIntMax);
    c.num_return_sequences =
        args.integer("num-return-sequences", c.num_return_sequences, std::numeric_limits<int>::min(), kIntMax);
    c.top_k = args.integer("top-k", c.top_k, std::numeric_limits<int>::min(), kIntMax);
    c.no_repeat_ngram_size =
        args.integer("no-repeat-ngram-size", c.no_repeat_ngram_size, std::numeric_limits<int>::min(), kIntMax);
    c.trace_top_n = args.integer("trace-top-n", c.trace_top_n, std::numeric_limits<int>::min(), kIntMax);
    c.length_penalty = static_cast<float>(args.real("length-penalty", c.length_penalty));
    c.penalty_alpha = static_cast<float>(args.real("penalty-alpha", c.penalty_alpha));
    c.top_p = static_cast<float>(args.real("top-p", c.top_p));
    c.min_p = static_cast<float>(args.real("min-p", c.min_p));
    c.typical_p = static_cast<float>(args.real("typical-p", c.typical_p));
    c.temperature = static_cast<float>(args.real("temperature", c.temperature));
    c.repetition_penalty = static_cast<float>(args.real("repetition-penalty", c.repetition_penalty));
    if (args.has("early-stopping")) c.early_stopping = parse_early_stopping(args.value("early-stopping"));
    if (args.has("chain-order")) c.chain_order = args.value("chain-order");
    if (args.has("chain")) c.chain = split_commas(args.value("chain"));
    if (args.has("seed")) {
        const std::string& text = args.value("seed");
        try {
            size_t used = 0;
            c.seed = std::stoull(text, &used);
            if (used != text.size() || text[0] == '-') throw std::invalid_argument(text);
        } catch (const std::exception&) {
            throw InvalidArgument("--seed: '" + text + "' is not a non-negative integer");
        }
    }
    c.validate();
    return c;
}

}  // namespace dlab
