// A scenario run's options read into the engine's settings, by the same parsers the CLI's
// generate uses (core/options), so the app runs a lesson exactly as the command line does.
#pragma once

#include <string>

#include "attention/attention_config.h"
#include "decoding/generation_config.h"
#include "kv/kv_config.h"
#include "scenario/scenario.h"

namespace dlab {

struct RunSettings {
    std::string model;       // "embedded:NAME" or a path; empty for a table model
    std::string table;       // the table model's file, or empty
    std::string tokenizer;   // a llama2.c model's tokenizer.bin, or empty
    std::string prompt;
    std::string backend = "auto";  // "auto" | "cpu" | "cuda"
    int threads = 0;         // 0: every core
    GenerationConfig generation;
    KvConfig kv;
    AttentionConfig attention;
    std::string drafter;     // "" | "model" | "ngram" | "table"
    std::string draft_file;  // the draft model ("embedded:NAME" or a path) or draft table
};

// Throws InvalidArgument naming the option, as generate would for the same options.
RunSettings run_settings(const ScenarioRun& run);

}  // namespace dlab
