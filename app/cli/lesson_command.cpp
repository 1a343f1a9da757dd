// decodelab-cli lesson SCENARIO: runs a tutorial's scenario headless, each run exactly as
// `generate` with the run's options would, so a lesson's numbers can be checked (and its
// traces recorded) without the app.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "common/error.h"
#include "options/args.h"
#include "scenario/run_settings.h"
#include "scenario/scenario.h"

namespace dlab::cli {

namespace {

// generate's argv for one run: "decodelab-cli generate --name value … --flag …"
std::vector<std::string> generate_arguments(const ScenarioRun& run, const std::string& trace, bool json) {
    std::vector<std::string> words = {"decodelab-cli", "generate"};
    for (const auto& [name, value] : run.options) {
        words.push_back("--" + name);
        words.push_back(value);
    }
    for (const std::string& flag : run.flags) words.push_back("--" + flag);
    if (!trace.empty()) {
        words.push_back("--trace");
        words.push_back(trace);
    }
    if (json) words.push_back("--json");
    return words;
}

}  // namespace

int run_lesson(int argc, char** argv) {
    Args args(argc, argv, 2, {"json", "check"}, {"run", "trace-dir", "language"});
    if (args.positional().size() != 1) throw InvalidArgument("lesson: give one scenario file");
    const Scenario scenario = load_scenario(args.positional()[0]);
    const std::string language = args.value("language", "en");
    if (!scenario.title.count(language)) throw InvalidArgument("--language: '" + language + "' is not zh_CN or en");
    const int n_runs = static_cast<int>(scenario.runs.size());
    const int only = args.integer("run", 0, 0, n_runs);  // 0: every run
    // --check: the file is valid (load_scenario threw otherwise) and so is every run's set of
    // options, read as generate reads them; nothing runs and no model is loaded
    if (args.flag("check")) {
        for (int i = 1; i <= n_runs; ++i) {
            try {
                (void)run_settings(scenario.runs[i - 1]);
            } catch (const Error& e) {
                throw InvalidArgument(scenario.path + ", run " + std::to_string(i) + ": " + e.what());
            }
        }
        std::printf("%s: %s, %d runs\n", scenario.lesson.c_str(), scenario.title.at(language).c_str(), n_runs);
        return 0;
    }
    const std::string trace_dir = args.value("trace-dir");
    if (!trace_dir.empty()) std::filesystem::create_directories(trace_dir);

    for (int i = 1; i <= n_runs; ++i) {
        if (only && i != only) continue;
        const ScenarioRun& run = scenario.runs[i - 1];
        if (!args.flag("json"))
            std::printf("== %s, run %d of %d: %s ==\n", scenario.lesson.c_str(), i, n_runs,
                        run.title.at(language).c_str());
        std::fflush(stdout);
        const std::string trace = trace_dir.empty() ? "" : trace_dir + "/run-" + std::to_string(i) + ".jsonl";
        std::vector<std::string> words = generate_arguments(run, trace, args.flag("json"));
        std::vector<char*> pointers;
        for (std::string& word : words) pointers.push_back(word.data());
        try {
            const int code = run_generate(static_cast<int>(pointers.size()), pointers.data());
            if (code != 0) return code;
        } catch (const Error& e) {
            throw InvalidArgument(scenario.path + ", run " + std::to_string(i) + ": " + e.what());
        }
        std::fflush(stdout);
    }
    return 0;
}

}  // namespace dlab::cli
