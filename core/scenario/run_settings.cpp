#include "scenario/run_settings.h"

#include "common/error.h"
#include "engine/backend_choice.h"
#include "options/attention_options.h"
#include "options/decoding_options.h"
#include "options/draft_options.h"
#include "options/kv_options.h"

namespace dlab {

RunSettings run_settings(const ScenarioRun& run) {
    // generate's options and flags, less those about output (trace, json, compare)
    std::set<std::string> options = decoding_option_names();
    options.insert(kv_option_names().begin(), kv_option_names().end());
    options.insert(attention_option_names().begin(), attention_option_names().end());
    options.insert(draft_option_names().begin(), draft_option_names().end());
    options.insert({"model", "table", "prompt", "threads", "tokenizer", "backend"});
    const Args args = Args::from_named(run.options, run.flags, options, kv_flag_names());

    RunSettings s;
    if (args.has("model") && args.has("table")) throw InvalidArgument("give --model or --table, not both");
    s.model = args.value("model");
    s.table = args.value("table");
    s.tokenizer = args.value("tokenizer");
    s.prompt = args.required("prompt");
    s.threads = args.integer("threads", 0, 0, 1024);
    if (args.has("backend")) s.backend = backend_choice_name(parse_backend_choice(args.value("backend")));
    s.generation = draft_config(args, decoding_config(args));
    s.kv = kv_config(args);
    s.attention = attention_config(args);
    check_attention_with_kv(s.attention, s.kv);

    // the drafter, checked as generate checks it
    const std::string drafter = drafter_option(args);
    if (drafter == "--draft-model") s.drafter = "model";
    if (drafter == "--draft") s.drafter = "ngram";
    if (drafter == "--draft-table") s.drafter = "table";
    if (s.drafter == "model" || s.drafter == "table") s.draft_file = args.value(drafter.substr(2));
    return s;
}

}  // namespace dlab
