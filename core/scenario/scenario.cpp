#include "scenario/scenario.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/regular_file.h"

namespace dlab {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr int kScenarioVersion = 1;
constexpr int kMaxStepMs = 60000;

// Options whose value is a file, resolved against the scenario's folder.
const std::set<std::string> kPathOptions = {"model", "table", "tokenizer", "draft-model", "draft-table"};

class Reader {
public:
    explicit Reader(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
        throw FormatError(m_path + ": " + where + ": " + problem);
    }

    void only_keys(const Json& object, const std::string& where, const std::set<std::string>& allowed) const {
        for (const auto& [key, value] : object.items())
            if (!allowed.count(key)) fail(where, "unknown key '" + key + "'");
    }

    const Json& object_field(const Json& parent, const std::string& key, const std::string& where) const {
        if (!parent.contains(key)) fail(where, "'" + key + "' is missing");
        const Json& value = parent.at(key);
        if (!value.is_object()) fail(where + "." + key, "must be an object");
        return value;
    }

    LocalizedText localized(const Json& parent, const std::string& key, const std::string& where) const {
        const Json& object = object_field(parent, key, where);
        LocalizedText text;
        for (const std::string& language : scenario_languages()) {
            if (!object.contains(language) || !object.at(language).is_string() ||
                object.at(language).get<std::string>().empty())
                fail(where + "." + key, "needs a non-empty '" + language + "' text");
            text[language] = object.at(language).get<std::string>();
        }
        only_keys(object, where + "." + key, {scenario_languages().begin(), scenario_languages().end()});
        return text;
    }

    std::vector<std::string> strings(const Json& parent, const std::string& key, const std::string& where) const {
        std::vector<std::string> out;
        if (!parent.contains(key)) return out;
        const Json& list = parent.at(key);
        if (!list.is_array()) fail(where + "." + key, "must be a list of names");
        for (const Json& item : list) {
            if (!item.is_string() || item.get<std::string>().empty())
                fail(where + "." + key, "must be a list of non-empty names");
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    // A resolved path that must exist.
    std::string existing(const fs::path& base, const std::string& relative, const std::string& where) const {
        const fs::path resolved = fs::weakly_canonical(base / relative);
        std::error_code error;
        if (!fs::is_regular_file(resolved, error)) fail(where, "'" + relative + "' is not a file (" + resolved.string() + ")");
        return resolved.string();
    }

    ScenarioRun run(const Json& json, const fs::path& base, const std::string& where) const {
        if (!json.is_object()) fail(where, "must be an object");
        only_keys(json, where, {"title", "options", "pause_at", "views"});
        ScenarioRun run;
        run.title = localized(json, "title", where);
        run.views = strings(json, "views", where);

        // the options: strings, numbers and true flags, as generate takes them
        const Json& options = object_field(json, "options", where);
        for (const auto& [name, value] : options.items()) {
            const std::string at = where + ".options." + name;
            if (name.empty() || name.rfind("--", 0) == 0) fail(at, "option names are written without '--'");
            if (value.is_boolean()) {
                if (value.get<bool>()) run.flags.push_back(name);
                continue;
            }
            std::string text;
            if (value.is_string()) text = value.get<std::string>();
            else if (value.is_number()) text = value.dump();
            else fail(at, "must be a string, a number, or true/false for a flag");
            if (kPathOptions.count(name) && text.rfind("embedded:", 0) != 0) text = existing(base, text, at);
            run.options.emplace_back(name, text);
        }
        if (!run.has("prompt")) fail(where + ".options", "'prompt' is missing");
        if (!run.has("model") && !run.has("table")) fail(where + ".options", "needs a 'model' or a 'table'");

        // the pauses: decode steps, ascending
        if (json.contains("pause_at")) {
            const Json& pauses = json.at("pause_at");
            if (!pauses.is_array()) fail(where + ".pause_at", "must be a list of steps");
            for (const Json& step : pauses) {
                if (!step.is_number_integer() || step.get<long long>() < 1 || step.get<long long>() > 100000)
                    fail(where + ".pause_at", "steps are integers from 1");
                const int value = step.get<int>();
                if (!run.pause_at.empty() && value <= run.pause_at.back())
                    fail(where + ".pause_at", "steps must be ascending without repeats");
                run.pause_at.push_back(value);
            }
        }
        return run;
    }

private:
    std::string m_path;
};

}  // namespace

const std::vector<std::string>& scenario_languages() {
    static const std::vector<std::string> kLanguages = {"zh_CN", "en"};
    return kLanguages;
}

std::string ScenarioRun::option(const std::string& name, const std::string& fallback) const {
    for (const auto& [key, value] : options)
        if (key == name) return value;
    return fallback;
}

bool ScenarioRun::has(const std::string& name) const {
    return std::any_of(options.begin(), options.end(), [&](const auto& option) { return option.first == name; });
}

bool ScenarioRun::flag(const std::string& name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
}

Scenario load_scenario(const std::string& path) {
    const Reader reader(path);
    require_regular_file(path);
    std::ifstream file(path, std::ios::binary);
    if (!file) throw FormatError(path + ": cannot open the scenario file");
    std::stringstream text;
    text << file.rdbuf();
    Json json;
    try {
        json = Json::parse(text.str());
    } catch (const Json::parse_error& e) {
        throw FormatError(path + ": not JSON (" + std::string(e.what()) + ")");
    }
    if (!json.is_object()) reader.fail("the file", "must hold one JSON object");
    reader.only_keys(json, "the file", {"format", "version", "title", "lesson", "views", "step_ms", "runs"});
    if (json.value("format", std::string()) != "decodelab-scenario")
        reader.fail("format", "must be \"decodelab-scenario\"");
    if (!json.contains("version") || !json.at("version").is_number_integer() ||
        json.at("version").get<long long>() != kScenarioVersion)
        reader.fail("version", "must be " + std::to_string(kScenarioVersion));

    Scenario scenario;
    scenario.path = path;
    const fs::path base = fs::absolute(fs::path(path)).parent_path();
    scenario.lesson = base.filename().string();
    scenario.title = reader.localized(json, "title", "the file");
    for (const auto& [language, file_name] : reader.localized(json, "lesson", "the file"))
        scenario.lesson_files[language] = reader.existing(base, file_name, "lesson." + language);
    scenario.views = reader.strings(json, "views", "the file");
    if (json.contains("step_ms")) {
        const Json& pace = json.at("step_ms");
        if (!pace.is_number_integer() || pace.get<long long>() < 100 || pace.get<long long>() > kMaxStepMs)
            reader.fail("step_ms", "must be an integer from 100 to " + std::to_string(kMaxStepMs));
        scenario.step_ms = pace.get<int>();
    }

    // the runs, in order
    if (!json.contains("runs") || !json.at("runs").is_array() || json.at("runs").empty())
        reader.fail("runs", "must be a non-empty list");
    for (size_t i = 0; i < json.at("runs").size(); ++i)
        scenario.runs.push_back(reader.run(json.at("runs")[i], base, "runs[" + std::to_string(i) + "]"));
    return scenario;
}

}  // namespace dlab
