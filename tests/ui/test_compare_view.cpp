// The Compare view on the offscreen platform: distinct-n and repeated n-grams against
// hand-worked token lists; specs parse with the CLI's rules; the CLI demo's four
// configurations on the embedded model fill four rows whose texts, lengths and
// log-probabilities equal Sessions run directly here, greedy's log-probability being the
// sum of its chosen tokens' log-softmax from the trace; a bad spec errs in its own row only;
// a model that does not load errs in every row; Cancel ends a long comparison promptly and
// the view runs again; the table renders and exports as CSV.
#include <QElapsedTimer>
#include <QImage>
#include <QProgressBar>
#include <QSet>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <cmath>
#include <set>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "run_request.h"
#include "testing/csv.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"
#include "views/compare_runner.h"
#include "views/compare_view.h"
#include "views/text_metrics.h"

using namespace dlab;

namespace {

const char* const kPrompt = "Once upon a time";

const Model& storyModel() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

struct DirectRun {
    GenerationResult result;
    std::vector<Event> events;
};

DirectRun runDirect(const GenerationConfig& config) {
    const Model& model = storyModel();
    CpuBackend backend(model.config, model.weights);
    Tokenizer tokenizer(*model.vocab);
    MemoryTrace trace;
    Session session(backend, tokenizer, config, &trace);
    DirectRun run;
    run.result = session.run(kPrompt);
    run.events = trace.events();
    return run;
}

// The demo's four configurations (scripts/demo.sh), written out field by field.
std::vector<GenerationConfig> demoConfigs(int maxNewTokens) {
    GenerationConfig greedy;
    GenerationConfig beam;
    beam.strategy = StrategyKind::Beam;
    beam.num_beams = 4;
    GenerationConfig contrastive;
    contrastive.strategy = StrategyKind::Contrastive;
    contrastive.penalty_alpha = 0.6f;
    contrastive.top_k = 4;
    GenerationConfig sample;
    sample.strategy = StrategyKind::Sample;
    sample.top_p = 0.9f;
    sample.seed = 1;
    std::vector<GenerationConfig> configs{greedy, beam, contrastive, sample};
    for (GenerationConfig& c : configs) c.max_new_tokens = maxNewTokens;
    return configs;
}

QString cell(const CompareView& view, int row, int column) {
    const auto* table = view.findChild<QTableWidget*>();
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

bool waitFinished(QSignalSpy& finished, int ms = 120000) { return finished.count() > 0 || finished.wait(ms); }


}  // namespace

class TestCompareView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void distinctAndRepeatedNgrams();
    void specsParseWithTheCliRules();
    void demoConfigurationsEqualDirectSessions();
    void badSpecErrsInItsRowOnly();
    void missingModelErrsInEveryRow();
    void cancelEndsALongComparisonPromptly();
    void tableModelRunsTheTextbookBeamSearch();
    void destroyingMidRunWaitsForTheWorker();
};

void TestCompareView::distinctAndRepeatedNgrams() {
    // a b c a b c a b: 3 distinct of 8 tokens; bigrams ab bc ca ab bc ca ab: 3 of 7;
    // 4-grams abca bcab cabc abca bcab: 5, 3 distinct, so 2 repeat an earlier one
    const std::vector<int> cycle{1, 2, 3, 1, 2, 3, 1, 2};
    QCOMPARE(distinctNgramRatio(cycle, 1), 3.0 / 8.0);
    QCOMPARE(distinctNgramRatio(cycle, 2), 3.0 / 7.0);
    QCOMPARE(repeatedNgramCount(cycle, 4), 2);
    QCOMPARE(repeatedNgramCount(cycle, 1), 5);
    // one token five times: 1 of 5, 1 of 4 bigrams; two 4-grams, the second a repeat
    const std::vector<int> same{5, 5, 5, 5, 5};
    QCOMPARE(distinctNgramRatio(same, 1), 0.2);
    QCOMPARE(distinctNgramRatio(same, 2), 0.25);
    QCOMPARE(repeatedNgramCount(same, 4), 1);
    // ab ab ab: bigrams ab ba ab ba ab, 2 distinct of 5, 3 repeats
    QCOMPARE(repeatedNgramCount({1, 2, 1, 2, 1, 2}, 2), 3);
    QCOMPARE(distinctNgramRatio({1, 2, 1, 2, 1, 2}, 2), 0.4);
    // no repetition at all, and texts too short to have an n-gram
    QCOMPARE(distinctNgramRatio({7, 8, 9}, 1), 1.0);
    QCOMPARE(distinctNgramRatio({7, 8, 9}, 2), 1.0);
    QCOMPARE(repeatedNgramCount({7, 8, 9}, 4), 0);
    QCOMPARE(distinctNgramRatio({7, 8, 9}, 4), 1.0);
    QCOMPARE(distinctNgramRatio({}, 1), 1.0);
    QCOMPARE(repeatedNgramCount({}, 2), 0);
}

void TestCompareView::specsParseWithTheCliRules() {
    GenerationConfig base;
    base.max_new_tokens = 16;
    const CompareConfig beam = parseCompareSpec(QStringLiteral("strategy=beam,num-beams=4"), base);
    QVERIFY2(beam.error.isEmpty(), qPrintable(beam.error));
    QCOMPARE(beam.generation.strategy, StrategyKind::Beam);
    QCOMPARE(beam.generation.num_beams, 4);
    QCOMPARE(beam.generation.max_new_tokens, 16);
    QCOMPARE(beam.label, QStringLiteral("beam k=4"));

    // contrastive search weighs 4 candidates unless top-k says otherwise, as on the CLI
    const CompareConfig contrastive =
        parseCompareSpec(QStringLiteral("strategy=contrastive,penalty-alpha=0.6"), base);
    QVERIFY2(contrastive.error.isEmpty(), qPrintable(contrastive.error));
    QCOMPARE(contrastive.generation.top_k, 4);
    QCOMPARE(contrastive.generation.penalty_alpha, 0.6f);
    QCOMPARE(contrastive.label, QStringLiteral("contrastive α=0.6 k=4"));

    const CompareConfig sample = parseCompareSpec(
        QStringLiteral(" strategy=sample, top-p=0.9 ,temperature=0.8,seed=1,max-new-tokens=8"), base);
    QVERIFY2(sample.error.isEmpty(), qPrintable(sample.error));
    QCOMPARE(sample.generation.top_p, 0.9f);
    QCOMPARE(sample.generation.temperature, 0.8f);
    QCOMPARE(sample.generation.seed, uint64_t(1));
    QCOMPARE(sample.generation.max_new_tokens, 8);
    QCOMPARE(sample.generation.top_k, 50);
    QCOMPARE(sample.label, QStringLiteral("sample top-p 0.9 T=0.8 seed=1"));

    const CompareConfig chain =
        parseCompareSpec(QStringLiteral("strategy=sample,chain=top_k+temperature"), base);
    QVERIFY2(chain.error.isEmpty(), qPrintable(chain.error));
    QCOMPARE(chain.generation.chain, (std::vector<std::string>{"top_k", "temperature"}));

    // every refusal names what is wrong; the label falls back to the spec
    const struct {
        const char* spec;
        const char* named;
    } bad[] = {{"num-beams=0", "num-beams"},
               {"strategy=foo", "foo"},
               {"kv=paged", "kv"},
               {"top-p=abc", "abc"},
               {"strategy=beam,num-beams=2.5", "num-beams"},
               {"top-p=1.5", "top-p"},
               {"strategy", "key=value"},
               {"seed=-1", "seed"}};
    for (const auto& b : bad) {
        const CompareConfig c = parseCompareSpec(QString::fromUtf8(b.spec), base);
        QVERIFY2(c.error.contains(QLatin1String(b.named)),
                 qPrintable(QString::fromUtf8(b.spec) + ": " + c.error));
        QCOMPARE(c.label, QString::fromUtf8(b.spec));
    }
}

void TestCompareView::demoConfigurationsEqualDirectSessions() {
    CompareView view;
    view.resize(1200, 500);
    QCOMPARE(view.specs(), CompareView::defaultSpecs());
    QCOMPARE(view.rowCount(), 4);
    QCOMPARE(view.model(), QStringLiteral("embedded:stories-target"));
    QCOMPARE(view.prompt(), QString::fromUtf8(kPrompt));
    view.setMaxNewTokens(16);
    QSignalSpy finished(&view, &CompareView::finished);
    QVERIFY(view.run());
    QVERIFY(view.isRunning());
    // one comparison at a time
    QVERIFY(!view.run());
    QVERIFY(waitFinished(finished));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!view.isRunning());

    const QStringList labels{QStringLiteral("greedy"), QStringLiteral("beam k=4"),
                             QStringLiteral("contrastive α=0.6 k=4"),
                             QStringLiteral("sample top-p 0.9 seed=1")};
    const std::vector<GenerationConfig> configs = demoConfigs(16);
    std::vector<GenerationResult> direct;
    const auto* table = view.findChild<QTableWidget*>();
    QCOMPARE(table->rowCount(), 4);
    for (int row = 0; row < 4; ++row) {
        const DirectRun run = runDirect(configs[size_t(row)]);
        const SequenceRecord& best = run.result.sequences.front();
        direct.push_back(run.result);
        QCOMPARE(cell(view, row, CompareView::ConfigurationColumn), labels[row]);
        QCOMPARE(cell(view, row, CompareView::TextColumn), QString::fromStdString(best.text));
        QVERIFY(!best.text.empty());
        QCOMPARE(cell(view, row, CompareView::LengthColumn).toInt(), int(best.tokens.size()));
        QVERIFY(std::abs(cell(view, row, CompareView::LogProbColumn).toDouble() - best.logprob) < 1e-4);
        QVERIFY(std::abs(cell(view, row, CompareView::ScoreColumn).toDouble() - best.score) < 1e-4);
        // the token ids behind the pieces, and as many pieces as tokens
        QStringList ids;
        for (int token : best.tokens) ids << QString::number(token);
        QCOMPARE(table->item(row, CompareView::TokensColumn)->toolTip(), ids.join(QLatin1Char(' ')));
        QCOMPARE(cell(view, row, CompareView::TokensColumn).split(QLatin1Char('|')).size(),
                 qsizetype(best.tokens.size()));
        // distinct-1 counted here from the direct run's tokens
        const std::set<int> distinct(best.tokens.begin(), best.tokens.end());
        QCOMPARE(cell(view, row, CompareView::Distinct1Column),
                 QString::number(double(distinct.size()) / double(best.tokens.size()), 'f', 2));
        QVERIFY(cell(view, row, CompareView::DecodeSpeedColumn).toDouble() > 0.0);
        QVERIFY(view.rowError(row).isEmpty());
        const QString status = cell(view, row, CompareView::StatusColumn);
        QCOMPARE(status, run.result.stop_reason == "eos" ? QStringLiteral("end of text")
                                                         : QStringLiteral("max new tokens"));

        // greedy: its log-probability is the sum of the chosen tokens' log-softmax
        if (row != 0) continue;
        double sum = 0.0;
        int chosen = 0;
        for (const Event& event : run.events)
            if (const auto* step = std::get_if<StepEvent>(&event.body))
                for (const CandidateRecord& c : step->candidates)
                    if (c.chosen) {
                        sum += std::log(double(c.probs.at(0)));
                        ++chosen;
                    }
        QCOMPARE(chosen, int(best.tokens.size()));
        QVERIFY2(std::abs(cell(view, row, CompareView::LogProbColumn).toDouble() - sum) < 1e-3,
                 qPrintable(cell(view, row, CompareView::LogProbColumn) + " vs " + QString::number(sum)));
        QVERIFY(std::abs(cell(view, row, CompareView::ScoreColumn).toDouble() - sum) < 1e-3);
    }
    // the four strategies do not all say the same thing
    QSet<QString> texts;
    for (int row = 0; row < 4; ++row) texts.insert(cell(view, row, CompareView::TextColumn));
    QVERIFY(texts.size() >= 3);
    const auto* progress = view.findChild<QProgressBar*>();
    QCOMPARE(progress->value(), progress->maximum());

    // rendered: the table's text is on the picture, not a blank widget
    QImage image(view.size(), QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    view.render(&image);
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3) colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 8, qPrintable(QString::number(colours.size())));

    // CSV: the header and one record per row, with the direct runs' texts and tokens
    const QList<QStringList> records = dlab::testing::parse_csv(view.csv());
    QCOMPARE(records.size(), 5);
    const QStringList header = records[0];
    QCOMPARE(header.first(), QStringLiteral("configuration"));
    QVERIFY(header.contains(QStringLiteral("distinct_2")));
    QVERIFY(header.contains(QStringLiteral("repeated_4grams")));
    for (int row = 0; row < 4; ++row) {
        const QStringList& r = records[row + 1];
        QCOMPARE(r.size(), header.size());
        QCOMPARE(r[header.indexOf(QStringLiteral("configuration"))], labels[row]);
        QCOMPARE(r[header.indexOf(QStringLiteral("spec"))], CompareView::defaultSpecs()[row]);
        const SequenceRecord& best = direct[size_t(row)].sequences.front();
        QCOMPARE(r[header.indexOf(QStringLiteral("text"))], QString::fromStdString(best.text));
        QCOMPARE(r[header.indexOf(QStringLiteral("length"))].toInt(), int(best.tokens.size()));
        QVERIFY(std::abs(r[header.indexOf(QStringLiteral("logprob"))].toDouble() - best.logprob) < 1e-6);
        QCOMPARE(r[header.indexOf(QStringLiteral("status"))],
                 QString::fromStdString(direct[size_t(row)].stop_reason));
        QVERIFY(r[header.indexOf(QStringLiteral("error"))].isEmpty());
    }
}

void TestCompareView::badSpecErrsInItsRowOnly() {
    CompareView view;
    view.setMaxNewTokens(4);
    view.setSpecs(
        {QStringLiteral("strategy=greedy"), QStringLiteral("num-beams=0"), QStringLiteral("strategy=foo")});
    // the errors show as soon as the rows are added
    QVERIFY(view.rowError(0).isEmpty());
    QVERIFY2(view.rowError(1).contains(QLatin1String("num-beams")), qPrintable(view.rowError(1)));
    QVERIFY2(view.rowError(2).contains(QLatin1String("foo")), qPrintable(view.rowError(2)));
    QSignalSpy finished(&view, &CompareView::finished);
    QVERIFY(view.run());
    QVERIFY(waitFinished(finished));

    GenerationConfig greedy;
    greedy.max_new_tokens = 4;
    QCOMPARE(cell(view, 0, CompareView::TextColumn), QString::fromStdString(runDirect(greedy).result.text()));
    QCOMPARE(cell(view, 0, CompareView::LengthColumn), QStringLiteral("4"));
    for (int row : {1, 2}) {
        QCOMPARE(cell(view, row, CompareView::TextColumn), view.rowError(row));
        QCOMPARE(cell(view, row, CompareView::StatusColumn), QStringLiteral("error"));
        QVERIFY(cell(view, row, CompareView::LengthColumn).isEmpty());
        QVERIFY(cell(view, row, CompareView::LogProbColumn).isEmpty());
    }
    const QList<QStringList> records = dlab::testing::parse_csv(view.csv());
    QCOMPARE(records.size(), 4);
    QCOMPARE(records[2].last(), view.rowError(1));

    // rows come and go with the editor's specs; only a valid one runs
    QCOMPARE(view.addSpec(QStringLiteral("strategy=beam,num-beams=2")), 3);
    view.removeRow(1);
    QCOMPARE(view.specs(), (QStringList{QStringLiteral("strategy=greedy"), QStringLiteral("strategy=foo"),
                                        QStringLiteral("strategy=beam,num-beams=2")}));
    view.setSpecs({QStringLiteral("strategy=foo")});
    QVERIFY(!view.run());
}

void TestCompareView::missingModelErrsInEveryRow() {
    CompareView view;
    view.setModel(QStringLiteral("/nonexistent/dir/model.gguf"));
    view.setMaxNewTokens(4);
    QSignalSpy finished(&view, &CompareView::finished);
    QVERIFY(view.run());
    QVERIFY(waitFinished(finished));
    for (int row = 0; row < view.rowCount(); ++row) {
        QVERIFY2(view.rowError(row).contains(QLatin1String("/nonexistent/dir/model.gguf")),
                 qPrintable(view.rowError(row)));
        QCOMPARE(cell(view, row, CompareView::StatusColumn), QStringLiteral("error"));
    }
}

void TestCompareView::cancelEndsALongComparisonPromptly() {
    CompareView view;
    // four long rows: without a cancel this takes many times longer than the limit below
    view.setMaxNewTokens(480);
    auto* runner = view.findChild<CompareRunner*>();
    QVERIFY(runner);
    QElapsedTimer sinceCancel;
    connect(runner, &CompareRunner::stepDone, &view, [&](int row, int step) {
        if (row == 0 && step == 2 && !sinceCancel.isValid()) {
            sinceCancel.start();
            view.cancel();
        }
    });
    QSignalSpy finished(&view, &CompareView::finished);
    QVERIFY(view.run());
    QVERIFY(waitFinished(finished));
    QVERIFY(sinceCancel.isValid());
    QVERIFY2(sinceCancel.elapsed() < 10000, qPrintable(QString::number(sinceCancel.elapsed())));
    QCOMPARE(finished.first().at(0).toBool(), true);
    // the row in flight and the rows after it say they were cancelled and show no text (the
    // worker may finish a row or so before the queued step signal reaches the cancel)
    int cancelled = 0;
    for (int row = 0; row < 4; ++row) {
        if (cell(view, row, CompareView::StatusColumn) != QStringLiteral("cancelled")) continue;
        ++cancelled;
        QVERIFY(cell(view, row, CompareView::TextColumn).isEmpty());
        QVERIFY(cell(view, row, CompareView::LengthColumn).isEmpty());
    }
    QVERIFY2(cancelled >= 2, qPrintable(QString::number(cancelled)));
    QCOMPARE(cell(view, 3, CompareView::StatusColumn), QStringLiteral("cancelled"));

    // and the view runs again, on the model it has already loaded, as a fresh session would
    view.setMaxNewTokens(3);
    finished.clear();
    QVERIFY(view.run());
    QVERIFY(waitFinished(finished));
    QCOMPARE(finished.first().at(0).toBool(), false);
    const std::vector<GenerationConfig> configs = demoConfigs(3);
    for (int row = 0; row < 4; ++row)
        QCOMPARE(cell(view, row, CompareView::TextColumn),
                 QString::fromStdString(runDirect(configs[size_t(row)]).result.text()));
}

void TestCompareView::tableModelRunsTheTextbookBeamSearch() {
    CompareView view;
    RunRequest request;
    request.model = QStringLiteral(DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json");
    request.table = true;
    request.prompt = QStringLiteral("<s>");
    request.generation.max_new_tokens = 4;
    view.useRunSettings(request);
    QCOMPARE(view.model(), request.model);
    QCOMPARE(view.prompt(), QStringLiteral("<s>"));
    QCOMPARE(view.maxNewTokens(), 4);
    view.setSpecs({QStringLiteral("strategy=beam,num-beams=2")});
    QSignalSpy finished(&view, &CompareView::finished);
    QVERIFY(view.run());
    QVERIFY(waitFinished(finished));
    // the textbook's k = 2 example: A, C → AB, AE → ABC, AED, ABC the best
    QVERIFY2(view.rowError(0).isEmpty(), qPrintable(view.rowError(0)));
    QCOMPARE(cell(view, 0, CompareView::TextColumn), QStringLiteral("ABC"));
    QCOMPARE(cell(view, 0, CompareView::ConfigurationColumn), QStringLiteral("beam k=2"));
}

void TestCompareView::destroyingMidRunWaitsForTheWorker() {
    auto* view = new CompareView;
    view->setMaxNewTokens(480);
    QVERIFY(view->run());
    QTest::qWait(50);
    QElapsedTimer sinceDelete;
    sinceDelete.start();
    delete view;
    QVERIFY2(sinceDelete.elapsed() < 10000, qPrintable(QString::number(sinceDelete.elapsed())));
}

QTEST_MAIN(TestCompareView)
#include "test_compare_view.moc"
