// Live runs on the worker thread: the events stream into the document step by step and
// equal a run done directly on the same engine; Stop ends a long run promptly after the
// step in flight; a missing model file, a prompt too long for the context and a KV pool
// too small for the prompt come back as one error signal and leave the controller usable;
// a table model runs the textbook's beam search; destroying a controller mid-run waits.
// Speculative sampling: the table pair with its draft table streams a round per step into
// the Speculative view; the embedded draft model drafts for the embedded target and greedy
// decoding keeps the target's own tokens; a draft with another vocabulary or a missing
// draft file is one error.
#include <QElapsedTimer>
#include <QGraphicsItem>
#include <QLabel>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTest>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "run_controller.h"
#include "trace/trace_sink.h"
#include "tokenizer/tokenizer.h"
#include "trace_document.h"
#include "views/spec_round_rows.h"
#include "views/speculative_view.h"

namespace {

RunRequest greedy(int maxNewTokens) {
    RunRequest request;
    request.model = QStringLiteral("embedded:stories-target");
    request.prompt = QStringLiteral("Once upon a time");
    request.generation.strategy = dlab::StrategyKind::Greedy;
    request.generation.max_new_tokens = maxNewTokens;
    return request;
}

const QString kTables = QStringLiteral(DECODELAB_SOURCE_DIR "/assets/tables/");

// The table pair of assets/tables, sampling with four draft tokens a round.
RunRequest tablePair(int maxNewTokens) {
    RunRequest request;
    request.model = kTables + QStringLiteral("speculative-target.json");
    request.table = true;
    request.prompt = QStringLiteral("A");
    request.generation.strategy = dlab::StrategyKind::Sample;
    request.generation.max_new_tokens = maxNewTokens;
    request.generation.num_draft_tokens = 4;
    request.generation.seed = 3;
    request.drafter = RunRequest::Drafter::Table;
    request.draft = kTables + QStringLiteral("speculative-draft.json");
    return request;
}

std::vector<const dlab::StepEvent*> stepEvents(const dlab::TraceTimeline& timeline) {
    std::vector<const dlab::StepEvent*> steps;
    for (const dlab::Event& event : timeline.events())
        if (const auto* step = std::get_if<dlab::StepEvent>(&event.body)) steps.push_back(step);
    return steps;
}

// A controller whose events go into a document, as in the main window.
struct LiveRun {
    RunController controller;
    TraceDocument document;
    QSignalSpy finished{&controller, &RunController::finished};
    QSignalSpy failed{&controller, &RunController::failed};
    QSignalSpy progress{&controller, &RunController::progress};
    QSignalSpy stepsChanged{&document, &TraceDocument::stepsChanged};

    LiveRun() {
        QObject::connect(&controller, &RunController::eventsArrived, &document,
                         [this](const EventBatch& events) { QVERIFY(document.appendEvents(events)); });
    }
    bool waitFinished(int ms = 120000) { return finished.count() > 0 || finished.wait(ms); }
    QString stopReason() const { return finished.first().at(0).toString(); }
};

}  // namespace

class TestRunController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void greedyRunStreamsEverySteps();
    void stopEndsALongRunPromptly();
    void missingModelFileIsOneError();
    void promptTooLongIsOneError();
    void kvPoolTooSmallIsOneError();
    void tableModelRunsTheTextbookBeamSearch();
    void destroyingMidRunWaitsForTheWorker();
    void draftTableRunShowsItsRounds();
    void draftModelKeepsGreedyTokens();
    void badDraftIsOneError();
};

void TestRunController::greedyRunStreamsEverySteps() {
    LiveRun run;
    QVERIFY(run.controller.start(greedy(8)));
    QVERIFY(run.controller.isRunning());
    // one run at a time
    QVERIFY(!run.controller.start(greedy(8)));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.stopReason(), QStringLiteral("max_new_tokens"));
    QVERIFY(!run.controller.isRunning());
    QCOMPARE(run.failed.count(), 0);

    const dlab::TraceTimeline& timeline = run.document.timeline();
    QVERIFY(timeline.run());
    QCOMPARE(timeline.run()->strategy, std::string("greedy"));
    QCOMPARE(timeline.last_step(), 8);
    const std::vector<const dlab::StepEvent*> steps = stepEvents(timeline);
    QCOMPARE(steps.size(), size_t(8));
    QVERIFY(timeline.finish());
    QCOMPARE(timeline.finish()->stop_reason, std::string("max_new_tokens"));
    // streamed: the document grew step by step (prefill, then each decode step)
    QVERIFY(run.stepsChanged.count() >= 9);
    QCOMPARE(run.progress.count(), 8);
    QCOMPARE(run.progress.last().at(0).toInt(), 8);
    QCOMPARE(run.progress.last().at(1).toInt(), 8);

    // the same tokens as a run done directly on the engine
    const dlab::Model model = dlab::load_model_or_embedded("embedded:stories-target");
    const dlab::Tokenizer tokenizer(*model.vocab);
    dlab::CpuBackend backend(model.config, model.weights);
    dlab::GenerationConfig config;
    config.max_new_tokens = 8;
    dlab::MemoryTrace direct;
    dlab::Session session(backend, tokenizer, config, &direct);
    const dlab::GenerationResult result = session.run("Once upon a time");
    QCOMPARE(steps.back()->sequences.at(0).tokens, result.tokens());
    QCOMPARE(timeline.events().size(), direct.events().size());
}

void TestRunController::stopEndsALongRunPromptly() {
    LiveRun run;
    // four samples per step that never stop at EOS: a run of 400 steps that lasts long
    // enough for the stop to arrive from the GUI thread well before its end
    RunRequest request = greedy(400);
    request.generation.strategy = dlab::StrategyKind::Sample;
    request.generation.num_return_sequences = 4;
    request.generation.stop_at_eos = false;
    QObject::connect(&run.controller, &RunController::progress, &run.controller, [&](int step) {
        if (step == 3) run.controller.stop();
    });
    QVERIFY(run.controller.start(request));
    QElapsedTimer sinceStart;
    sinceStart.start();
    QVERIFY(run.waitFinished());
    QCOMPARE(run.stopReason(), QStringLiteral("stopped"));
    QCOMPARE(run.failed.count(), 0);
    const size_t steps = stepEvents(run.document.timeline()).size();
    // the worker may have run a few steps more before the queued progress signal arrived
    QVERIFY2(steps >= 3 && steps < 400, qPrintable(QString::number(steps)));
    QVERIFY(!run.document.timeline().finish());
    QVERIFY2(sinceStart.elapsed() < 60000, "stopping took too long");

    // the controller runs again after a stop
    LiveRun again;
    QVERIFY(again.controller.start(greedy(2)));
    QVERIFY(again.waitFinished());
    QCOMPARE(again.stopReason(), QStringLiteral("max_new_tokens"));
}

void TestRunController::missingModelFileIsOneError() {
    LiveRun run;
    RunRequest request = greedy(4);
    request.model = QStringLiteral("/nonexistent/dir/model.gguf");
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 1);
    const QString message = run.failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("/nonexistent/dir/model.gguf")), qPrintable(message));
    QCOMPARE(run.stopReason(), QStringLiteral("failed"));
    QVERIFY(run.document.isEmpty());

    // usable afterwards
    QSignalSpy finished(&run.controller, &RunController::finished);
    QVERIFY(run.controller.start(greedy(1)));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("max_new_tokens"));
}

void TestRunController::promptTooLongIsOneError() {
    LiveRun run;
    // the embedded model's context is 512 positions
    RunRequest request = greedy(600);
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 1);
    const QString message = run.failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("prompt")), qPrintable(message));
    QCOMPARE(run.stopReason(), QStringLiteral("failed"));
}

void TestRunController::kvPoolTooSmallIsOneError() {
    LiveRun run;
    RunRequest request = greedy(4);
    request.kv.kind = dlab::KvKind::Paged;
    request.kv.block_size = 1;
    request.kv.num_blocks = 2;  // the prompt alone needs more slots
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 1);
    const QString message = run.failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("prompt of")), qPrintable(message));
}

void TestRunController::tableModelRunsTheTextbookBeamSearch() {
    LiveRun run;
    RunRequest request;
    request.model = QStringLiteral(DECODELAB_SOURCE_DIR "/assets/tables/textbook-beam.json");
    request.table = true;
    request.prompt = QStringLiteral("<s>");
    request.generation.strategy = dlab::StrategyKind::Beam;
    request.generation.num_beams = 2;
    request.generation.num_return_sequences = 2;
    request.generation.max_new_tokens = 4;
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 0);
    // the textbook: A,C → AB,AE → ABC,AED
    const auto texts = [&](int step) {
        QStringList found;
        for (const dlab::SequenceRecord& s : run.document.timeline().step_event(step)->sequences)
            found << QString::fromStdString(s.text);
        found.sort();
        return found;
    };
    QCOMPARE(texts(1), QStringList({QStringLiteral("A"), QStringLiteral("C")}));
    QCOMPARE(texts(2), QStringList({QStringLiteral("AB"), QStringLiteral("AE")}));
    QCOMPARE(texts(3), QStringList({QStringLiteral("ABC"), QStringLiteral("AED")}));
}

void TestRunController::destroyingMidRunWaitsForTheWorker() {
    QElapsedTimer timer;
    timer.start();
    {
        RunController controller;
        RunRequest request = greedy(400);
        request.generation.stop_at_eos = false;
        QVERIFY(controller.start(request));
        QTest::qWait(50);
    }
    QVERIFY2(timer.elapsed() < 60000, "the destructor did not stop the run");
}

void TestRunController::draftTableRunShowsItsRounds() {
    LiveRun run;
    // the view follows the live run as the main window's views do
    SpeculativeView view;
    view.setTimeline(&run.document.timeline());
    int shownSteps = 0;
    QObject::connect(&run.document, &TraceDocument::stepsChanged, &view, [&](int lastStep) {
        view.showStep(lastStep, false);
        ++shownSteps;
    });
    QVERIFY(run.controller.start(tablePair(16)));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 0);
    QCOMPARE(run.stopReason(), QStringLiteral("max_new_tokens"));

    const dlab::TraceTimeline& timeline = run.document.timeline();
    QVERIFY(timeline.speculative());
    QCOMPARE(timeline.run()->parameters.at("draft"), std::string("table"));
    // a round per decode step, each drafting with the table
    std::vector<const dlab::SpecRoundEvent*> rounds;
    for (int step = 1; step <= timeline.last_step(); ++step) {
        const dlab::SpecRoundEvent* round = timeline.spec_round_at(step);
        QVERIFY2(round, qPrintable(QString::number(step)));
        QCOMPARE(round->drafter, std::string("table"));
        rounds.push_back(round);
    }
    QVERIFY(rounds.size() >= 2);
    QVERIFY(timeline.spec_summary());
    QCOMPARE(timeline.spec_summary()->generated, 16);
    // several tokens a step: fewer steps than tokens
    QVERIFY(int(rounds.size()) < 16);

    // the view drew the rounds as they came
    QVERIFY(shownSteps >= 2);
    QCOMPARE(view.alphaSeries()->count(), int(rounds.size()));
    const dlab::SpecRoundEvent* last = rounds.back();
    QGraphicsItem* token = view.rows()->cell(last->round, QStringLiteral("token"), last->accepted);
    QVERIFY(token);
    QCOMPARE(token->data(SpecRoundRows::kOutcomeKey).toString().toStdString(), last->token_kind);
    QVERIFY(view.explanation()->text().contains(QStringLiteral("draft table")));
}

void TestRunController::draftModelKeepsGreedyTokens() {
    LiveRun run;
    RunRequest request = greedy(12);
    request.drafter = RunRequest::Drafter::Model;
    request.draft = QStringLiteral("embedded:stories-draft");
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 0);
    const dlab::TraceTimeline& timeline = run.document.timeline();
    QVERIFY(timeline.spec_summary());
    QCOMPARE(timeline.spec_summary()->drafter, std::string("model"));

    // greedy speculative decoding is the target's greedy decoding, in fewer steps
    LiveRun plain;
    QVERIFY(plain.controller.start(greedy(12)));
    QVERIFY(plain.waitFinished());
    const auto tokens = [](const dlab::TraceTimeline& t) { return stepEvents(t).back()->sequences.at(0).tokens; };
    QCOMPARE(tokens(timeline), tokens(plain.document.timeline()));
    QVERIFY(timeline.last_step() <= plain.document.timeline().last_step());
}

void TestRunController::badDraftIsOneError() {
    // a draft table of other symbols
    LiveRun run;
    RunRequest request = tablePair(8);
    request.draft = kTables + QStringLiteral("textbook-beam.json");
    QVERIFY(run.controller.start(request));
    QVERIFY(run.waitFinished());
    QCOMPARE(run.failed.count(), 1);
    QString message = run.failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("textbook-beam.json")) && message.contains(QStringLiteral("vocabulary")),
             qPrintable(message));
    QCOMPARE(run.stopReason(), QStringLiteral("failed"));

    // a draft model file that is not there
    LiveRun missing;
    request = greedy(4);
    request.drafter = RunRequest::Drafter::Model;
    request.draft = QStringLiteral("/nonexistent/dir/draft.gguf");
    QVERIFY(missing.controller.start(request));
    QVERIFY(missing.waitFinished());
    QCOMPARE(missing.failed.count(), 1);
    message = missing.failed.first().at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("/nonexistent/dir/draft.gguf")), qPrintable(message));

    // usable afterwards
    QSignalSpy finished(&missing.controller, &RunController::finished);
    QVERIFY(missing.controller.start(tablePair(4)));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(0).toString(), QStringLiteral("max_new_tokens"));
}

QTEST_MAIN(TestRunController)
#include "test_run_controller.moc"
