// Lesson scenarios: what a tutorial runs (tutorials/NN-name/scenario.json). A scenario
// names its lesson texts, the views to open, a classroom pace, and one or more runs; each
// run is a model (or table), a prompt, decodelab-cli generate's options by name, and the
// steps to pause at. The CLI (`decodelab-cli lesson`) and the app load the same file; the
// format is documented in docs/scenario-format.md.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace dlab {

// A text in each language the app speaks ("zh_CN", "en").
using LocalizedText = std::map<std::string, std::string>;

struct ScenarioRun {
    LocalizedText title;
    // generate's options by name without "--" ("table", "strategy", "num-beams" …), values
    // as text. Paths (model, table, tokenizer, draft-model, draft-table) are resolved
    // against the scenario's folder; "embedded:NAME" stays as it is.
    std::vector<std::pair<std::string, std::string>> options;
    std::vector<std::string> flags;     // generate's flags that are on ("prefix-caching"): JSON true
    std::vector<int> pause_at;          // decode steps to pause after, ascending
    std::vector<std::string> views;     // views to open for this run (empty: the scenario's)

    // The option's value, or `fallback` when the run does not set it.
    std::string option(const std::string& name, const std::string& fallback = {}) const;
    bool has(const std::string& name) const;
    bool flag(const std::string& name) const;
};

struct Scenario {
    std::string path;                   // the scenario file
    std::string lesson;                 // "01-greedy-vs-beam": the folder's name
    LocalizedText title;
    std::map<std::string, std::string> lesson_files;  // language → the lesson's Markdown file (absolute)
    std::vector<std::string> views;     // view ids to open ("beam_tree", "narration" …), first on top
    int step_ms = 1200;                 // classroom mode: auto-play pace per step
    std::vector<ScenarioRun> runs;      // at least one
};

// Throws FormatError "PATH: …" naming the field and the problem (not JSON, wrong format or
// version, a missing or mistyped field, an unknown key, a path that does not exist, a
// non-ascending pause list, a lesson file missing for a language).
Scenario load_scenario(const std::string& path);

// The languages every lesson is written in.
const std::vector<std::string>& scenario_languages();

}  // namespace dlab
