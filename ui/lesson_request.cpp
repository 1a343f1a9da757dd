#include "lesson_request.h"

#include <QCoreApplication>
#include <QDir>
#include <exception>

#include "embedded_models.h"
#include "engine/backend_choice.h"
#include "scenario/run_settings.h"

namespace {

// generate's options that change what a run shows and have no control in the run panel.
// (--threads changes only the speed: the app takes every core.)
constexpr const char* kNotInPanel[] = {"chain",     "trace-top-n",     "tile-layer",
                                       "tile-head", "max-tile-events", "tokenizer"};

// A scenario's resolved path ("…/tutorials/01-x/../../assets/tables/t.json" is already
// canonical) or an embedded model's name, as the run panel lists it.
QString modelString(const std::string& model) {
    const QString text = QString::fromStdString(model);
    return text.startsWith(QLatin1String(dlab::kEmbeddedPrefix)) ? text : QDir::cleanPath(text);
}

}  // namespace

bool lessonRequest(const dlab::ScenarioRun& run, RunRequest* request, QString* error) {
    for (const char* option : kNotInPanel)
        if (run.has(option)) {
            *error = QCoreApplication::translate("LessonRequest",
                                                 "The run sets --%1, which the run panel has no setting for: "
                                                 "run this lesson with decodelab-cli lesson")
                         .arg(QLatin1String(option));
            return false;
        }
    dlab::RunSettings settings;
    RunRequest r;
    try {
        settings = dlab::run_settings(run);
        r.backend = dlab::parse_backend_choice(settings.backend);
    } catch (const std::exception& e) {
        *error = QCoreApplication::translate("LessonRequest", "The lesson's run cannot start:\n%1")
                     .arg(QString::fromUtf8(e.what()));
        return false;
    }
    r.table = !settings.table.empty();
    r.model = modelString(r.table ? settings.table : settings.model);
    r.prompt = QString::fromStdString(settings.prompt);
    r.generation = settings.generation;
    r.kv = settings.kv;
    r.attention = settings.attention;
    using Drafter = RunRequest::Drafter;
    r.drafter = settings.drafter == "model"   ? Drafter::Model
                : settings.drafter == "ngram" ? Drafter::PromptLookup
                : settings.drafter == "table" ? Drafter::Table
                                              : Drafter::None;
    if (!settings.draft_file.empty()) r.draft = modelString(settings.draft_file);
    *request = r;
    return true;
}
