// Debugging in the main window on the offscreen platform: pause-on conditions stop a replay
// where the trace (read here directly) says they hold — the first pruned beam of the
// textbook's beam search, step 3, the first sampled token below a probability, a token
// typed as text entering the candidates; a live run paused at step 2 stays there (and
// stops when asked); two runs of the embedded model, greedy and sampled, diverge where
// their token lists first differ, and the dialog shows both sides and jumps there.
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include "debug_panel.h"
#include "divergence_dialog.h"
#include "engine/session.h"
#include "main_window.h"
#include "run_controller.h"
#include "run_engine.h"
#include "run_panel.h"
#include "timeline_bar.h"
#include "trace/jsonl.h"
#include "trace/trace_sink.h"
#include "trace_document.h"

using Kind = dlab::PauseCondition::Kind;

namespace {

const QString kTraces = QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/");

// The golden trace as the file has it, step by step.
std::map<int, dlab::StepEvent> stepEvents(const QString& file) {
    std::map<int, dlab::StepEvent> steps;
    for (const dlab::Event& event : dlab::read_jsonl_trace((kTraces + file).toStdString()))
        if (const auto* step = std::get_if<dlab::StepEvent>(&event.body)) steps[event.step] = *step;
    return steps;
}

// Plays `file` from the start at the fastest speed until playback stops.
int playUntilPaused(MainWindow& window, const QString& file) {
    if (!window.openTrace(kTraces + file)) return -1;
    TimelineBar* timeline = window.timelineBar();
    timeline->setSpeed(8);
    timeline->play();
    if (!QTest::qWaitFor([&] { return !timeline->isPlaying(); }, 30000)) return -1;
    return timeline->step();
}

// One run of the embedded model written to `path`; its best sequence's tokens.
std::vector<int> runToFile(const dlab::GenerationConfig& config, const QString& path) {
    RunRequest request;
    request.generation = config;
    RunEngine engine(request);
    dlab::SessionOptions options = engine.sessionOptions();
    options.record_timings = false;
    dlab::JsonlTraceWriter writer(path.toStdString());
    dlab::Session session(engine.backend(), engine.codec(), config, &writer, options);
    return session.run(request.prompt.toStdString()).tokens();
}

}  // namespace

class TestDebugging : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void beamPrunedStopsTheReplay();
    void atStepStopsThere();
    void chosenProbabilityBelowStopsTheReplay();
    void tokenTypedAsTextEntersTheCandidates();
    void disabledConditionsDoNotPause();
    void liveRunPausedAtStepTwo_data();
    void liveRunPausedAtStepTwo();
    void twoRunsDivergeWhereTheirTokensDo();
};

void TestDebugging::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DecodeLabTest"));
    QCoreApplication::setApplicationName(QStringLiteral("test_debugging"));
    QSettings().clear();
}

void TestDebugging::beamPrunedStopsTheReplay() {
    // the first step whose actions drop a sequence
    int expected = -1;
    for (const auto& [step, record] : stepEvents(QStringLiteral("textbook-beam.jsonl")))
        for (const dlab::ActionRecord& action : record.actions)
            if (expected < 0 && action.kind == "drop") expected = step;
    QVERIFY(expected > 0);

    MainWindow window;
    window.show();
    window.debugPanel()->addCondition({Kind::BeamPruned});
    QCOMPARE(playUntilPaused(window, QStringLiteral("textbook-beam.jsonl")), expected);
    // before the end: it paused, it did not run out of steps
    QVERIFY(expected < window.timelineBar()->lastStep());
    const QString message = window.statusBar()->currentMessage();
    QVERIFY2(message.contains(QStringLiteral("step %1").arg(expected)), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("pruned")), qPrintable(message));
    QVERIFY(window.debugPanel()->pauseText().contains(QStringLiteral("step %1").arg(expected)));

    // Continue plays on to the end: no beam is pruned after that
    Q_EMIT window.debugPanel()->continueRequested();
    QVERIFY(window.timelineBar()->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!window.timelineBar()->isPlaying(), 30000);
    QCOMPARE(window.timelineBar()->step(), window.timelineBar()->lastStep());
}

void TestDebugging::atStepStopsThere() {
    MainWindow window;
    window.show();
    QString error;
    QVERIFY(window.debugPanel()->addCondition(Kind::AtStep, QStringLiteral("3"), &error) >= 0);
    QVERIFY(window.debugPanel()->addCondition(Kind::AtStep, QStringLiteral("zero"), &error) < 0);
    QVERIFY(!error.isEmpty());
    QCOMPARE(window.debugPanel()->conditionCount(), 1);
    QCOMPARE(playUntilPaused(window, QStringLiteral("textbook-beam.jsonl")), 3);
}

void TestDebugging::chosenProbabilityBelowStopsTheReplay() {
    const double threshold = 0.4;
    int expected = -1;
    for (const auto& [step, record] : stepEvents(QStringLiteral("sample-topp.jsonl")))
        for (const dlab::CandidateRecord& c : record.candidates)
            if (expected < 0 && c.chosen && c.probs.back() < threshold) expected = step;
    QVERIFY(expected > 1);

    MainWindow window;
    window.show();
    QVERIFY(window.debugPanel()->addCondition(Kind::ChosenProbBelow, QStringLiteral("0.4")) >= 0);
    QCOMPARE(window.debugPanel()->condition(0).threshold, threshold);
    QCOMPARE(playUntilPaused(window, QStringLiteral("sample-topp.jsonl")), expected);
}

void TestDebugging::tokenTypedAsTextEntersTheCandidates() {
    // the textbook's "B": its id and the first step it is kept, not kept the step before
    const std::map<int, dlab::StepEvent> steps = stepEvents(QStringLiteral("textbook-beam.jsonl"));
    int token = -1;
    for (const auto& [step, record] : steps)
        for (const dlab::CandidateRecord& c : record.candidates)
            if (c.text == "B") token = c.token;
    QVERIFY(token >= 0);
    int expected = -1;
    bool keptBefore = false;
    for (const auto& [step, record] : steps) {
        bool kept = false;
        for (const dlab::CandidateRecord& c : record.candidates) kept = kept || (c.token == token && c.kept);
        if (expected < 0 && kept && !keptBefore) expected = step;
        keptBefore = kept;
    }
    QVERIFY(expected > 0);

    MainWindow window;
    window.show();
    QVERIFY(window.openTrace(kTraces + QStringLiteral("textbook-beam.jsonl")));
    QString error;
    const int row = window.debugPanel()->addCondition(Kind::TokenEnters, QStringLiteral("B"), &error);
    QVERIFY2(row >= 0, qPrintable(error));
    QCOMPARE(window.debugPanel()->condition(row).token, token);
    QVERIFY(window.debugPanel()->conditionText(row).contains(QStringLiteral("B")));
    // text no candidate has is refused; an id is taken as it is
    QVERIFY(window.debugPanel()->addCondition(Kind::TokenEnters, QStringLiteral("no such token"), &error) <
            0);
    QCOMPARE(DebugPanel::resolveToken(QStringLiteral("42"), nullptr), std::optional<int>(42));
    QCOMPARE(playUntilPaused(window, QStringLiteral("textbook-beam.jsonl")), expected);
}

void TestDebugging::disabledConditionsDoNotPause() {
    MainWindow window;
    window.show();
    const int row = window.debugPanel()->addCondition({Kind::AtStep, 2});
    window.debugPanel()->setConditionEnabled(row, false);
    QCOMPARE(playUntilPaused(window, QStringLiteral("textbook-beam.jsonl")), 4);
    window.debugPanel()->removeCondition(row);
    QCOMPARE(window.debugPanel()->conditionCount(), 0);
}

void TestDebugging::liveRunPausedAtStepTwo_data() {
    QTest::addColumn<bool>("stopRun");
    QTest::newRow("follow stops") << false;
    QTest::newRow("run stops") << true;
}

void TestDebugging::liveRunPausedAtStepTwo() {
    QFETCH(bool, stopRun);
    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    RunRequest request;
    request.generation.strategy = dlab::StrategyKind::Greedy;
    request.generation.max_new_tokens = 6;
    if (stopRun) {
        // a long run of four samples a step, so that the stop arrives well before its end
        request.generation.strategy = dlab::StrategyKind::Sample;
        request.generation.num_return_sequences = 4;
        request.generation.stop_at_eos = false;
        request.generation.max_new_tokens = 400;
    }
    window.runPanel()->setRequest(request);
    window.debugPanel()->addCondition({Kind::AtStep, 2});
    window.debugPanel()->setStopsRun(stopRun);

    QSignalSpy finished(window.runController(), &RunController::finished);
    QVERIFY(window.startRun());
    QVERIFY(finished.wait(120000));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
    QVERIFY(window.isFollowPaused());
    QCOMPARE(window.timelineBar()->step(), 2);
    QVERIFY(window.statusBar()->currentMessage().contains(QStringLiteral("step 2")));
    const int lastStep = window.document()->lastStep();
    if (stopRun) {
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("stopped"));
        QVERIFY2(lastStep >= 2 && lastStep < 400, qPrintable(QString::number(lastStep)));
    } else {
        // the run went on to its end while the view stayed at step 2
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("max_new_tokens"));
        QCOMPARE(lastStep, 6);
        QCOMPARE(window.timelineBar()->lastStep(), 6);
    }
}

void TestDebugging::twoRunsDivergeWhereTheirTokensDo() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString greedyPath = dir.filePath(QStringLiteral("greedy.jsonl"));
    const QString sampledPath = dir.filePath(QStringLiteral("sampled.jsonl"));
    dlab::GenerationConfig greedy;
    greedy.max_new_tokens = 12;
    greedy.stop_at_eos = false;
    dlab::GenerationConfig sampled = greedy;
    sampled.strategy = dlab::StrategyKind::Sample;
    sampled.temperature = 1.5f;
    sampled.seed = 11;
    const std::vector<int> a = runToFile(greedy, greedyPath);
    const std::vector<int> b = runToFile(sampled, sampledPath);
    size_t firstDifference = 0;
    while (firstDifference < a.size() && firstDifference < b.size() &&
           a[firstDifference] == b[firstDifference])
        ++firstDifference;
    QVERIFY2(firstDifference < a.size(), "the seeded sample should leave the greedy path");
    const int expected = int(firstDifference) + 1;  // step 1 chooses the first token

    MainWindow window;
    QStringList errors;
    window.setErrorHandler([&](const QString& message) { errors << message; });
    window.show();
    // nothing to compare with yet
    QVERIFY(!window.compareWithTrace(sampledPath));
    QCOMPARE(errors.size(), 1);
    QVERIFY(window.openTrace(greedyPath));
    DivergenceDialog* dialog = window.compareWithTrace(sampledPath);
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->diverges());
    QCOMPARE(dialog->step(), expected);
    QVERIFY(dialog->reasonText().contains(QString::number(expected)));

    // each side's sequence at that step, as the files have it
    const std::map<int, std::vector<dlab::SequenceRecord>> sides{
        {DivergenceDialog::Left, dlab::TraceTimeline(dlab::read_jsonl_trace(greedyPath.toStdString()))
                                     .step_event(expected)
                                     ->sequences},
        {DivergenceDialog::Right, dlab::TraceTimeline(dlab::read_jsonl_trace(sampledPath.toStdString()))
                                      .step_event(expected)
                                      ->sequences}};
    for (const auto& [side, sequences] : sides) {
        QTableWidget* table = dialog->sequenceTable(DivergenceDialog::Side(side));
        QCOMPARE(table->rowCount(), int(sequences.size()));
        QCOMPARE(table->item(0, DivergenceDialog::SequenceTextColumn)->text(),
                 QString::fromStdString(sequences.front().text));
        QCOMPARE(
            table->item(0, DivergenceDialog::SequenceTokensColumn)->text().split(QLatin1Char(' ')).size(),
            expected);
        QVERIFY(dialog->candidateTable(DivergenceDialog::Side(side))->rowCount() > 0);
    }
    // the chosen tokens differ: the last token of each side's sequence is a and b's
    QCOMPARE(dialog->sequenceTable(DivergenceDialog::Left)
                 ->item(0, DivergenceDialog::SequenceTokensColumn)
                 ->text()
                 .split(QLatin1Char(' '))
                 .last(),
             QString::number(a[firstDifference]));
    QCOMPARE(dialog->sequenceTable(DivergenceDialog::Right)
                 ->item(0, DivergenceDialog::SequenceTokensColumn)
                 ->text()
                 .split(QLatin1Char(' '))
                 .last(),
             QString::number(b[firstDifference]));
    // a chosen candidate of the left side is the greedy token, with its probability
    bool found = false;
    QTableWidget* candidates = dialog->candidateTable(DivergenceDialog::Left);
    for (int row = 0; row < candidates->rowCount(); ++row)
        found = found || candidates->item(row, DivergenceDialog::TokenColumn)->text() ==
                             QString::number(a[firstDifference]);
    QVERIFY(found);

    // the button takes the timeline there
    QVERIFY(dialog->jumpButton()->isEnabled());
    QTest::mouseClick(dialog->jumpButton(), Qt::LeftButton);
    QCOMPARE(window.timelineBar()->step(), expected);

    // a trace agrees with itself
    QVERIFY(window.compareWithTrace(greedyPath));
    QVERIFY(!dialog->diverges());
    QVERIFY(!dialog->jumpButton()->isEnabled());
    QCOMPARE(errors.size(), 1);
}

QTEST_MAIN(TestDebugging)
#include "test_debugging.moc"
