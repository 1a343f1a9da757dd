#include "tutorials/lesson_runner.h"

#include <QStringList>
#include <filesystem>

#include "common/error.h"
#include "testing/cli_runner.h"
#include "trace/jsonl.h"

namespace dlab::testing {

std::string tutorials_dir() { return std::string(DECODELAB_SOURCE_DIR) + "/tutorials"; }

std::vector<SequenceRecord> LessonRun::sequences_at(int step) const {
    for (const Event& e : events)
        if (const auto* s = std::get_if<StepEvent>(&e.body); s && e.step == step) return s->sequences;
    return {};
}

std::string LessonRun::final_text() const {
    std::vector<SequenceRecord> last;
    for (const Event& e : events)
        if (const auto* s = std::get_if<StepEvent>(&e.body)) last = s->sequences;
    return last.empty() ? std::string() : last.front().text;
}

LessonResult run_lesson(const std::string& lesson) {
    const std::string path = tutorials_dir() + "/" + lesson + "/scenario.json";
    LessonResult result{load_scenario(path), {}};
    QTemporaryDir dir;
    // one run at a time, so each run's printed text is its own
    for (size_t i = 1; i <= result.scenario.runs.size(); ++i) {
        const CliResult cli = run_cli({"lesson", QString::fromStdString(path), "--run", QString::number(i),
                                       "--trace-dir", dir.path(), "--json"});
        if (cli.exit_code != 0)
            throw Error(lesson + " run " + std::to_string(i) + ": exit " + std::to_string(cli.exit_code) + ": " +
                        cli.err.toStdString());
        const std::string trace = (dir.path() + "/run-" + QString::number(i) + ".jsonl").toStdString();
        result.runs.push_back({read_jsonl_trace(trace), cli.out.toStdString()});
    }
    return result;
}

}  // namespace dlab::testing
