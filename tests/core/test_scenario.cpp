// Lesson scenarios: every tutorial's scenario.json loads and passes `decodelab-cli lesson
// --check`; a hand-written scenario reads back field for field (paths resolved against its
// folder, flags apart from options); each malformed file is refused with one message
// naming the file and the field, and the CLI exits with code 2.
#include <QDir>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "scenario/run_settings.h"
#include "scenario/scenario.h"
#include "testing/cli_runner.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

const char* kValid = R"({
  "format": "decodelab-scenario", "version": 1,
  "title": {"zh_CN": "标题", "en": "Title"},
  "lesson": {"zh_CN": "zh.md", "en": "en.md"},
  "views": ["beam-tree", "narration"],
  "step_ms": 900,
  "runs": [
    {"title": {"zh_CN": "一", "en": "one"},
     "options": {"table": "table.json", "prompt": "<s>", "num-beams": 2, "top-p": 0.9,
                 "early-stopping": "true", "prefix-caching": true, "json": false},
     "pause_at": [1, 3]},
    {"title": {"zh_CN": "二", "en": "two"},
     "options": {"model": "embedded:stories-target", "prompt": "Once"},
     "views": ["candidates"]}
  ]
})";

}  // namespace

class TestScenario : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const std::string& name) const { return (m_dir.path() + "/").toStdString() + name; }

    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(path(name)) << text;
        return path(name);
    }

    // kValid with `from` replaced by `to` (which must occur)
    std::string variant(const std::string& from, const std::string& to) {
        std::string text = kValid;
        const size_t at = text.find(from);
        if (at == std::string::npos) throw Error("test bug: '" + from + "' is not in the scenario");
        return text.replace(at, from.size(), to);
    }

private slots:
    void initTestCase() {
        write("zh.md", "# 课\n");
        write("en.md", "# Lesson\n");
        write("table.json", "{}");
    }

    void everyTutorialLoadsAndChecks() {
        const std::filesystem::path tutorials = std::filesystem::path(DECODELAB_SOURCE_DIR) / "tutorials";
        int lessons = 0;
        for (const auto& entry : std::filesystem::directory_iterator(tutorials)) {
            const std::filesystem::path scenario = entry.path() / "scenario.json";
            if (!entry.is_directory() || !std::filesystem::exists(scenario)) continue;
            ++lessons;
            const Scenario s = load_scenario(scenario.string());
            QCOMPARE(s.lesson, entry.path().filename().string());
            QVERIFY(!s.runs.empty());
            const CliResult cli = run_cli({"lesson", QString::fromStdString(scenario.string()), "--check"});
            QVERIFY2(cli.exit_code == 0, qPrintable(cli.err));
            // every run's options read into settings, as the app reads them
            for (const ScenarioRun& run : s.runs) {
                try {
                    (void)run_settings(run);
                } catch (const Error& e) {
                    QFAIL(qPrintable(QString::fromStdString(s.lesson + ": " + e.what())));
                }
            }
        }
        QVERIFY(lessons >= 1);
    }

    void readsEveryField() {
        const Scenario s = load_scenario(write("valid.json", kValid));
        QCOMPARE(s.title.at("zh_CN"), std::string("标题"));
        QCOMPARE(s.lesson_files.at("en"), std::filesystem::weakly_canonical(path("en.md")).string());
        QCOMPARE(s.views, (std::vector<std::string>{"beam-tree", "narration"}));
        QCOMPARE(s.step_ms, 900);
        QCOMPARE(s.runs.size(), size_t(2));
        const ScenarioRun& first = s.runs[0];
        QCOMPARE(first.title.at("en"), std::string("one"));
        QCOMPARE(first.option("table"), std::filesystem::weakly_canonical(path("table.json")).string());
        QCOMPARE(first.option("num-beams"), std::string("2"));
        QCOMPARE(first.option("top-p"), std::string("0.9"));
        QCOMPARE(first.option("early-stopping"), std::string("true"));
        QVERIFY(first.flag("prefix-caching"));
        QVERIFY(!first.flag("json") && !first.has("json"));
        QCOMPARE(first.pause_at, (std::vector<int>{1, 3}));
        QVERIFY(first.views.empty());
        QCOMPARE(s.runs[1].option("model"), std::string("embedded:stories-target"));
        QCOMPARE(s.runs[1].views, (std::vector<std::string>{"candidates"}));
    }

    void settingsFollowTheOptions() {
        ScenarioRun run;
        run.options = {{"table", "t.json"},        {"prompt", "<s>"},        {"strategy", "sample"},
                       {"top-p", "0.8"},            {"temperature", "0.5"},    {"seed", "12"},
                       {"kv", "paged"},             {"block-size", "4"},       {"attention", "flash"},
                       {"sram-bytes", "16k"},       {"backend", "cpu"},        {"draft-table", "d.json"},
                       {"num-draft-tokens", "3"},   {"draft-schedule", "heuristic"}};
        run.flags = {"prefix-caching"};
        const RunSettings s = run_settings(run);
        QCOMPARE(s.table, std::string("t.json"));
        QVERIFY(s.model.empty());
        QCOMPARE(s.prompt, std::string("<s>"));
        QCOMPARE(s.generation.strategy, StrategyKind::Sample);
        QCOMPARE(s.generation.top_p, 0.8f);
        QCOMPARE(s.generation.temperature, 0.5f);
        QCOMPARE(s.generation.seed, uint64_t(12));
        QCOMPARE(s.kv.kind, KvKind::Paged);
        QCOMPARE(s.kv.block_size, 4);
        QVERIFY(s.kv.prefix_caching);
        QCOMPARE(s.attention.kind, AttentionKind::Flash);
        QCOMPARE(s.attention.sram_bytes, 16LL * 1024);
        QCOMPARE(s.backend, std::string("cpu"));
        QCOMPARE(s.drafter, std::string("table"));
        QCOMPARE(s.draft_file, std::string("d.json"));
        QCOMPARE(s.generation.num_draft_tokens, 3);
        QCOMPARE(s.generation.draft_schedule, DraftSchedule::Heuristic);
        // contrastive search probes 4 candidates unless top-k says otherwise, as on the command line
        run.options = {{"model", "embedded:stories-target"}, {"prompt", "x"}, {"strategy", "contrastive"}};
        run.flags.clear();
        QCOMPARE(run_settings(run).generation.top_k, 4);
        // the command line's refusals
        run.options.push_back({"num-beams", "0"});
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, run_settings(run));
        run.options = {{"model", "m"}, {"prompt", "x"}, {"trace", "out.jsonl"}};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, run_settings(run));
        run.options = {{"model", "m"}, {"prompt", "x"}, {"prefix-caching", "true"}};
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, run_settings(run));
    }

    void refusesMalformedFiles_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << "{" << "not JSON";
        QTest::newRow("format") << QString::fromStdString(variant("decodelab-scenario", "decodelab-table")) << "format";
        QTest::newRow("version") << QString::fromStdString(variant("\"version\": 1", "\"version\": 2")) << "version";
        QTest::newRow("unknown key") << QString::fromStdString(variant("\"step_ms\"", "\"pace\"")) << "unknown key 'pace'";
        QTest::newRow("language missing")
            << QString::fromStdString(variant("{\"zh_CN\": \"标题\", \"en\": \"Title\"}", "{\"en\": \"Title\"}"))
            << "title: needs a non-empty 'zh_CN' text";
        QTest::newRow("lesson file missing")
            << QString::fromStdString(variant("\"en.md\"", "\"missing.md\"")) << "lesson.en: 'missing.md' is not a file";
        QTest::newRow("table missing")
            << QString::fromStdString(variant("\"table.json\"", "\"nowhere.json\"")) << "runs[0].options.table";
        QTest::newRow("no prompt")
            << QString::fromStdString(variant("\"prompt\": \"Once\"", "\"seed\": 1")) << "runs[1].options: 'prompt' is missing";
        QTest::newRow("no model")
            << QString::fromStdString(variant("\"model\": \"embedded:stories-target\", ", ""))
            << "runs[1].options: needs a 'model' or a 'table'";
        QTest::newRow("dashes") << QString::fromStdString(variant("\"num-beams\"", "\"--num-beams\"")) << "without '--'";
        QTest::newRow("option type") << QString::fromStdString(variant("\"num-beams\": 2", "\"num-beams\": [2]"))
                                     << "runs[0].options.num-beams: must be a string";
        QTest::newRow("pauses descend") << QString::fromStdString(variant("[1, 3]", "[3, 1]")) << "ascending";
        QTest::newRow("pause zero") << QString::fromStdString(variant("[1, 3]", "[0]")) << "integers from 1";
        QTest::newRow("pace") << QString::fromStdString(variant("900", "5")) << "step_ms";
        const std::string valid = kValid;
        QTest::newRow("no runs") << QString::fromStdString(valid.substr(0, valid.find("\"runs\"")) + "\"runs\": []}")
                                 << "runs: must be a non-empty list";
    }

    void refusesMalformedFiles() {
        QFETCH(QString, text);
        QFETCH(QString, message);
        const std::string file = write("bad.json", text.toStdString());
        try {
            (void)load_scenario(file);
            QFAIL("a malformed scenario loaded");
        } catch (const FormatError& e) {
            const std::string what = e.what();
            QVERIFY2(what.rfind(file + ": ", 0) == 0, e.what());
            QVERIFY2(what.find(message.toStdString()) != std::string::npos, e.what());
        }
        const CliResult cli = run_cli({"lesson", QString::fromStdString(file), "--check"});
        QCOMPARE(cli.exit_code, 2);
        QCOMPARE(cli.err.trimmed().count('\n'), 0);
        QVERIFY2(cli.err.contains(message), qPrintable(cli.err));
    }

    void refusesABadRunWithItsNumber() {
        // a valid file whose run asks generate for an impossible parameter
        const std::string file = write("bad-run.json", variant("\"num-beams\": 2", "\"num-beams\": 0"));
        const CliResult cli = run_cli({"lesson", QString::fromStdString(file)});
        QCOMPARE(cli.exit_code, 2);
        QVERIFY2(cli.err.contains("run 1") && cli.err.contains("--num-beams"), qPrintable(cli.err));
        // --check reads every run's options too, without running
        const CliResult check = run_cli({"lesson", QString::fromStdString(file), "--check"});
        QCOMPARE(check.exit_code, 2);
        QCOMPARE(check.err.trimmed().count('\n'), 0);
        QVERIFY2(check.err.contains("run 1") && check.err.contains("--num-beams"), qPrintable(check.err));
        const std::string unknown = write("unknown-option.json", variant("\"num-beams\": 2", "\"beams\": 2"));
        const CliResult typo = run_cli({"lesson", QString::fromStdString(unknown), "--check"});
        QCOMPARE(typo.exit_code, 2);
        QVERIFY2(typo.err.contains("run 1") && typo.err.contains("beams"), qPrintable(typo.err));
    }
};

QTEST_GUILESS_MAIN(TestScenario)
#include "test_scenario.moc"
