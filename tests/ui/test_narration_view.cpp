// The narration of real runs: the textbook's beam search sentence by sentence (the
// survivors and their cumulative log-probabilities, the dropped beam, the stop reason),
// greedy search naming its token and probability, sampling naming what the chain left,
// contrastive search weighing confidence against the degeneration penalty, a run stopped
// by a full KV cache, speculative rounds of the table pair; and the view: the current sentence, the history, clicks on it.
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <cmath>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/model_drafter.h"
#include "engine/session.h"
#include "table/table_backend.h"
#include "table/table_model.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"
#include "views/narration_view.h"
#include "views/narrator.h"

using namespace dlab;

namespace {

std::vector<Event> runTable(const char* table, const GenerationConfig& config, const std::string& prompt) {
    const TableModel model = load_table_model(std::string(DECODELAB_SOURCE_DIR "/assets/tables/") + table);
    TableCodec codec(model);
    TableBackend backend(model);
    MemoryTrace trace;
    SessionOptions options;
    options.model_name = table;
    options.model_kind = "table";
    options.record_timings = false;
    Session session(backend, codec, config, &trace, options);
    session.run(prompt);
    return trace.events();
}

std::vector<Event> textbookTrace() {
    GenerationConfig config;
    config.strategy = StrategyKind::Beam;
    config.num_beams = 2;
    config.num_return_sequences = 2;
    config.max_new_tokens = 4;
    return runTable("textbook-beam.json", config, "<s>");
}

std::vector<Event> storyTrace(GenerationConfig config, const KvConfig& kv = {}) {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    Tokenizer tokenizer(*model.vocab);
    CpuBackend backend(model.config, model.weights, kv);
    MemoryTrace trace;
    SessionOptions options;
    options.model_name = "embedded:stories-target";
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    session.run("Once upon a time");
    return trace.events();
}

#define VERIFY_CONTAINS(text, part) \
    QVERIFY2((text).contains(part), qPrintable(QString("“%1” lacks “%2”").arg(text, part)))

}  // namespace

class TestNarrationView : public QObject {
    Q_OBJECT

private slots:
    void textbookBeamSearch() {
        const TraceTimeline timeline(textbookTrace());
        const Narrator narrator(timeline);

        const QString prompt = narrator.sentence(0);
        VERIFY_CONTAINS(prompt, "“<s>”");
        VERIFY_CONTAINS(prompt, "1 token");
        VERIFY_CONTAINS(prompt, "beam search with k = 2 beams");

        // step 1: C (ln 0.5) and A (ln 0.45) out of C, A, D
        const QString one = narrator.sentence(1);
        VERIFY_CONTAINS(one, "“C” and “A” survive");
        VERIFY_CONTAINS(one, "−0.69 and −0.80");
        VERIFY_CONTAINS(one, "best 2 of the 3 candidates");

        // step 2: AB (ln 0.45·0.55 = −1.396) and AE (ln 0.45·0.4 = −1.715) out of CE, CB, CD, AB, AE, AD
        const QString two = narrator.sentence(2);
        VERIFY_CONTAINS(two, "“AB” and “AE” survive");
        VERIFY_CONTAINS(two, "−1.40 and −1.71");
        VERIFY_CONTAINS(two, "best 2 of the 6 candidates");
        VERIFY_CONTAINS(two, "“C” drops out");

        const QString three = narrator.sentence(3);
        VERIFY_CONTAINS(three, "“ABC” and “AED” survive");
        VERIFY_CONTAINS(three, "−1.50 and −2.07");

        // step 4: both end; the run stops at max_new_tokens = 4
        const QString four = narrator.sentence(4);
        VERIFY_CONTAINS(four, "“ABC” and “AED” are finished");
        VERIFY_CONTAINS(four, "Decoding stops: the limit of max_new_tokens = 4 new tokens is reached.");
        QVERIFY(narrator.sentence(5).isEmpty());
    }

    void greedyNamesTokenAndProbability() {
        GenerationConfig config;
        config.max_new_tokens = 5;
        config.stop_at_eos = false;
        const TraceTimeline timeline(storyTrace(config));
        const Narrator narrator(timeline);
        VERIFY_CONTAINS(narrator.sentence(0), "contiguous KV cache");
        VERIFY_CONTAINS(narrator.sentence(0), "5 tokens");  // BOS, Once, upon, a, time
        VERIFY_CONTAINS(narrator.sentence(0), "greedy search");
        for (int step = 1; step <= 5; ++step) {
            const CandidateRecord* chosen = nullptr;
            for (const CandidateRecord& c : timeline.step_event(step)->candidates)
                if (c.chosen) chosen = &c;
            QVERIFY(chosen && chosen->probs[0] >= 0.01);
            const QString sentence = narrator.sentence(step);
            VERIFY_CONTAINS(sentence,
                            QString("‘%1’ is chosen").arg(QString::fromStdString(chosen->text).trimmed()));
            VERIFY_CONTAINS(sentence, QString("(p = %1)").arg(chosen->probs[0], 0, 'f', 2));
        }
        VERIFY_CONTAINS(narrator.sentence(5), "max_new_tokens = 5");
    }

    void samplingNamesWhatTheChainLeft() {
        GenerationConfig config;
        config.strategy = StrategyKind::Sample;
        config.top_p = 0.9f;
        config.seed = 1;
        config.max_new_tokens = 4;
        config.stop_at_eos = false;
        const TraceTimeline timeline(storyTrace(config));
        const Narrator narrator(timeline);
        VERIFY_CONTAINS(narrator.sentence(0), "top-k = 50 → top-p = 0.9");
        for (int step = 1; step <= 4; ++step) {
            const StepEvent& event = *timeline.step_event(step);
            int left = 0;
            const CandidateRecord* chosen = nullptr;
            for (const CandidateRecord& c : event.candidates) {
                left += c.probs.back() > 0;
                if (c.chosen) chosen = &c;
            }
            QVERIFY(chosen);
            const QString sentence = narrator.sentence(step);
            VERIFY_CONTAINS(sentence,
                            QString("Sampled ‘%1’").arg(QString::fromStdString(chosen->text).trimmed()));
            VERIFY_CONTAINS(sentence, "after top-p kept " +
                                          (left == 1 ? QString("1 token") : QString("%1 tokens").arg(left)));
        }
    }

    void contrastiveWeighsConfidenceAgainstPenalty() {
        // after "I think that": "I" is likeliest (0.6) but repeats (penalty 1), "you" (0.3) does not;
        // (1 − 0.6)·0.3 − 0.6·0 = 0.12
        GenerationConfig config;
        config.strategy = StrategyKind::Contrastive;
        config.penalty_alpha = 0.6f;
        config.top_k = 3;
        config.max_new_tokens = 4;
        const TraceTimeline timeline(runTable("repetition-trap.json", config, "I"));
        const QString three = Narrator(timeline).sentence(3);
        VERIFY_CONTAINS(
            three, "‘you’ wins: (1 − α) × confidence 0.30 minus α × degeneration penalty 0.00 gives 0.12");
        VERIFY_CONTAINS(three, "with α = 0.6, the best of the 3 candidates");
        VERIFY_CONTAINS(three,
                        "The most probable, ‘I’ (confidence 0.60), loses on its degeneration penalty 1.00");
    }

    void fullKvCacheIsTheStopReason() {
        // 3 blocks of 4 positions hold the 5 prompt tokens and 7 more, not 12
        KvConfig kv;
        kv.kind = KvKind::Paged;
        kv.block_size = 4;
        kv.num_blocks = 3;
        GenerationConfig config;
        config.max_new_tokens = 12;
        config.stop_at_eos = false;
        const TraceTimeline timeline(storyTrace(config, kv));
        QVERIFY(timeline.finish());
        QCOMPARE(timeline.finish()->stop_reason, std::string("kv_exhausted"));
        const QString last = Narrator(timeline).sentence(timeline.last_step());
        VERIFY_CONTAINS(last, "Decoding stops: the KV cache ran out of room");
        VERIFY_CONTAINS(last, QString::fromStdString(timeline.finish()->detail));
        VERIFY_CONTAINS(Narrator(timeline).sentence(0), "paged KV cache (blocks of 4 positions)");
    }

    // A speculative round in one account: the drafts proposed, how many stood, the rejected
    // one and its resampled replacement, the tokens added; the prompt says what a step is.
    void speculativeRoundsAreNarrated() {
        const TableModel target = load_table_model(DECODELAB_SOURCE_DIR "/assets/tables/speculative-target.json");
        const TableModel draft = load_table_model(DECODELAB_SOURCE_DIR "/assets/tables/speculative-draft.json");
        TableCodec codec(target);
        TableBackend targetBackend(target), draftBackend(draft);
        ModelDrafter drafter(draftBackend, "table");
        GenerationConfig config;
        config.strategy = StrategyKind::Sample;
        config.max_new_tokens = 24;
        config.seed = 5;
        MemoryTrace trace;
        SessionOptions options;
        options.record_timings = false;
        options.drafter = &drafter;
        Session session(targetBackend, codec, config, &trace, options);
        session.run("A");
        const TraceTimeline timeline(trace.events());
        const Narrator narrator(timeline);
        VERIFY_CONTAINS(narrator.sentence(0), "the draft table proposes up to 4 tokens");
        int checked = 0;
        for (int step = 1; step <= timeline.last_step(); ++step) {
            const SpecRoundEvent* round = timeline.spec_round_at(step);
            QVERIFY(round);
            const QString sentence = narrator.sentence(step);
            VERIFY_CONTAINS(sentence, QStringLiteral("Round %1:").arg(round->round));
            VERIFY_CONTAINS(sentence, QStringLiteral("“%1”").arg(QString::fromStdString(round->token_text)));
            if (round->token_kind == "resampled" && round->accepted >= 2) {
                VERIFY_CONTAINS(sentence, QStringLiteral("accepted the first %1").arg(round->accepted));
                VERIFY_CONTAINS(sentence, QStringLiteral("at position %1").arg(round->accepted + 1));
                VERIFY_CONTAINS(sentence, "residual distribution");
                ++checked;
            }
            VERIFY_CONTAINS(sentence, QStringLiteral("added %1 token").arg(round->emitted));
        }
        QVERIFY(checked > 0);
    }

    void viewShowsSentenceAndHistory() {
        const TraceTimeline timeline(textbookTrace());
        NarrationView view;
        view.resize(700, 500);
        view.show();
        view.setTimeline(&timeline);
        view.showStep(2, true);
        VERIFY_CONTAINS(view.currentSentence(), "“AB” and “AE” survive");
        QVERIFY(view.currentLabel()->font().pointSizeF() > view.font().pointSizeF());
        QCOMPARE(view.history()->count(), 3);
        VERIFY_CONTAINS(view.history()->item(0)->text(), "“<s>”");
        VERIFY_CONTAINS(view.history()->item(1)->text(), "“C” and “A” survive");
        QCOMPARE(view.history()->currentRow(), 2);

        // clicking a line of the history asks for its step
        QSignalSpy requested(&view, &NarrationView::stepRequested);
        const QRect line = view.history()->visualItemRect(view.history()->item(1));
        QTest::mouseClick(view.history()->viewport(), Qt::LeftButton, {}, line.center());
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toInt(), 1);

        // stepping back trims the history; the end adds the stop reason
        view.showStep(1, false);
        QCOMPARE(view.history()->count(), 2);
        view.showStep(4, false);
        VERIFY_CONTAINS(view.currentSentence(), "max_new_tokens = 4");
        const QStringList rows = view.csv().trimmed().split('\n');
        QCOMPARE(rows.value(0), QString("step,sentence"));
        QCOMPARE(rows.size(), 6);

        // rendered with text in it
        const QImage image = view.grab().toImage();
        const QRgb background = image.pixel(image.width() - 1, image.height() / 3);
        int inked = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) inked += image.pixel(x, y) != background;
        QVERIFY2(inked > image.width() * image.height() / 100, qPrintable(QString::number(inked)));
    }
};

QTEST_MAIN(TestNarrationView)
#include "test_narration_view.moc"
