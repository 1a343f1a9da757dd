// Runs a tutorial's scenario through `decodelab-cli lesson` (the path a student's terminal
// takes) and reads back each run's trace, so a lesson's test asserts what the lesson says
// the student will observe.
#pragma once

#include <QTemporaryDir>
#include <string>
#include <variant>
#include <vector>

#include "scenario/scenario.h"
#include "trace/events.h"

namespace dlab::testing {

struct LessonRun {
    std::vector<Event> events;  // the run's trace
    std::string text;           // what generate printed for it (the text, or JSON with --json)

    template <typename T>
    std::vector<const T*> all() const {
        std::vector<const T*> found;
        for (const Event& e : events)
            if (const auto* body = std::get_if<T>(&e.body)) found.push_back(body);
        return found;
    }
    // The sequences after decode step `step` (its step event), or empty.
    std::vector<SequenceRecord> sequences_at(int step) const;
    // The generated text of the best sequence at the end.
    std::string final_text() const;
};

struct LessonResult {
    Scenario scenario;
    std::vector<LessonRun> runs;  // in the scenario's order
};

// tutorials/<lesson>/scenario.json, every run; throws dlab::Error with the CLI's message
// when it fails.
LessonResult run_lesson(const std::string& lesson);

// The tutorials folder of the source tree.
std::string tutorials_dir();

}  // namespace dlab::testing
