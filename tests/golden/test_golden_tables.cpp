// The shipped table models through the CLI, as a user runs them: the textbook's beam
// search example step by step (read back from the trace file), greedy's lower total, the
// repetition trap, top-p adapting where top-k cannot, and refusals of bad parameters.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <set>

#include "testing/cli_runner.h"
#include "trace/jsonl.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

QString table(const char* name) { return QString(DECODELAB_SOURCE_DIR "/assets/tables/") + name; }

QJsonObject run_json(const QStringList& args) {
    const CliResult r = run_cli(args);
    if (r.exit_code != 0) qWarning("%s", qPrintable(r.err));
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// The texts of the live beams after each step of a trace, as sets.
std::vector<std::set<std::string>> beams_per_step(const std::vector<Event>& events) {
    std::vector<std::set<std::string>> steps;
    for (const Event& e : events) {
        const auto* step = std::get_if<StepEvent>(&e.body);
        if (!step) continue;
        std::set<std::string> texts;
        for (const SequenceRecord& s : step->sequences)
            if (!s.finished) texts.insert(s.text);
        steps.push_back(texts);
    }
    return steps;
}

}  // namespace

class TestGoldenTables : public QObject {
    Q_OBJECT

private slots:
    void textbookBeamSearch() {
        QTemporaryDir dir;
        const QString trace = dir.filePath("beam.jsonl");
        const QJsonObject j = run_json({"generate", "--table", table("textbook-beam.json"), "--prompt", "<s>", "--strategy",
                                        "beam", "--num-beams", "2", "--max-new-tokens", "3", "--trace", trace,
                                        "--json"});
        const std::vector<std::set<std::string>> beams = beams_per_step(read_jsonl_trace(trace.toStdString()));
        QVERIFY(beams.size() >= 3);
        QCOMPARE(beams[0], (std::set<std::string>{"A", "C"}));
        QCOMPARE(beams[1], (std::set<std::string>{"AB", "AE"}));
        QCOMPARE(beams[2], (std::set<std::string>{"ABC", "AED"}));

        // greedy on the same table ends with a lower total probability than the best beam
        const QJsonObject greedy = run_json({"generate", "--table", table("textbook-beam.json"), "--prompt", "<s>",
                                             "--max-new-tokens", "3", "--json"});
        const double beam_logprob = j["sequences"].toArray()[0].toObject()["logprob"].toDouble();
        const double greedy_logprob = greedy["sequences"].toArray()[0].toObject()["logprob"].toDouble();
        QVERIFY2(greedy_logprob < beam_logprob - 1e-6,
                 qPrintable(QString("greedy %1, beam %2").arg(greedy_logprob).arg(beam_logprob)));
    }

    void repetitionTrapCatchesGreedyAndBeamButNotContrastive() {
        const QStringList common = {"generate", "--table", table("repetition-trap.json"), "--prompt", "I",
                                    "--max-new-tokens", "12", "--json"};
        const QString loop = "think that I think that I think that I think that I";
        QCOMPARE(run_json(common)["text"].toString().trimmed(), loop);
        const QJsonObject beam = run_json(common + QStringList{"--strategy", "beam", "--num-beams", "2",
                                                               "--length-penalty", "1", "--early-stopping", "false"});
        QCOMPARE(beam["sequences"].toArray()[0].toObject()["text"].toString().trimmed(), loop);
        const QJsonObject contrastive = run_json(common + QStringList{"--strategy", "contrastive", "--penalty-alpha",
                                                                      "0.6", "--top-k", "3"});
        QCOMPARE(contrastive["text"].toString().trimmed(), QString("think that you know ."));
        QCOMPARE(contrastive["stop_reason"].toString(), QString("eos"));
    }

    void topPAdaptsWhereTopKCannot() {
        QTemporaryDir dir;
        // kept candidates per step, read from the trace
        auto kept_per_step = [&](const QStringList& filter) {
            const QString trace = dir.filePath("run.jsonl");
            const CliResult r = run_cli(QStringList{"generate", "--table", table("top-p-adaptive.json"), "--prompt", "the",
                                                    "--strategy", "sample", "--seed", "7", "--max-new-tokens", "2",
                                                    "--trace", trace} + filter);
            std::vector<int> kept;
            if (r.exit_code != 0) qWarning("%s", qPrintable(r.err));
            for (const Event& e : read_jsonl_trace(trace.toStdString()))
                if (const auto* step = std::get_if<StepEvent>(&e.body)) {
                    int n = 0;
                    for (const CandidateRecord& c : step->candidates) n += c.kept;
                    kept.push_back(n);
                }
            return kept;
        };
        QCOMPARE(kept_per_step({"--top-k", "0", "--top-p", "0.9"}), (std::vector<int>{8, 1}));
        QCOMPARE(kept_per_step({"--top-k", "8", "--top-p", "1"}), (std::vector<int>{8, 8}));
        QCOMPARE(kept_per_step({"--top-k", "2", "--top-p", "1"}), (std::vector<int>{2, 2}));
    }

    void badParametersAreRefused_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("needle");
        QTest::newRow("num-beams") << QStringList{"--strategy", "beam", "--num-beams", "0"} << "--num-beams";
        QTest::newRow("num-return") << QStringList{"--strategy", "beam", "--num-beams", "2", "--num-return-sequences",
                                                   "3"}
                                    << "--num-return-sequences";
        QTest::newRow("top-p") << QStringList{"--strategy", "sample", "--top-p", "1.5"} << "--top-p";
        QTest::newRow("top-p-zero") << QStringList{"--strategy", "sample", "--top-p", "0"} << "--top-p";
        QTest::newRow("temperature") << QStringList{"--strategy", "sample", "--temperature", "-1"} << "--temperature";
        QTest::newRow("top-k") << QStringList{"--strategy", "sample", "--top-k", "-2"} << "--top-k";
        QTest::newRow("penalty-alpha") << QStringList{"--strategy", "contrastive", "--penalty-alpha", "1.5"}
                                       << "--penalty-alpha";
        QTest::newRow("max-new-tokens") << QStringList{"--max-new-tokens", "1000"} << "context length";
        QTest::newRow("chain") << QStringList{"--strategy", "sample", "--chain", "top_k,warp"} << "unknown chain stage";
        QTest::newRow("strategy") << QStringList{"--strategy", "magic"} << "--strategy";
        QTest::newRow("penalty-without-sampling") << QStringList{"--repetition-penalty", "1.2"} << "--strategy sample";
        QTest::newRow("early-stopping") << QStringList{"--strategy", "beam", "--early-stopping", "maybe"}
                                        << "--early-stopping";
    }
    void badParametersAreRefused() {
        QFETCH(QStringList, args);
        QFETCH(QString, needle);
        const CliResult r = run_cli(QStringList{"generate", "--table", table("textbook-beam.json"), "--prompt", "<s>"} + args);
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(!r.err.trimmed().contains('\n'), qPrintable(r.err));
        QVERIFY2(r.err.contains(needle), qPrintable(r.err));
    }

    void malformedTableIsRefused() {
        QTemporaryDir dir;
        const QString path = dir.filePath("broken.json");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"format\": \"decodelab-table\", \"version\": 1, \"symbols\": [\"A\"], \"next\": {\"\": {\"B\": 1}}}");
        file.close();
        const CliResult r = run_cli({"generate", "--table", path, "--prompt", "A"});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(path) && r.err.contains("'B'"), qPrintable(r.err));
        QVERIFY(!r.err.trimmed().contains('\n'));
    }
};

QTEST_GUILESS_MAIN(TestGoldenTables)
#include "test_golden_tables.moc"
