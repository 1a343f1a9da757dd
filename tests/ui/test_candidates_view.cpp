// The Candidates view on the offscreen platform, checked against the step events read
// directly: a sampling run of the embedded model (temperature 0.8, top-k 20, top-p 0.9)
// charts one bar set per stage after the softmax with the trace's probabilities, marks the
// chosen token and zeroes what top-k and top-p cut; the table lists and sorts every
// candidate; the temperature playground equals a straight-loop softmax of the logits; a
// beam-search trace (no stages) shows the softmax alone.
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSet>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "tokenizer/tokenizer.h"
#include "trace/jsonl.h"
#include "trace/trace_sink.h"
#include "views/candidate_chart.h"
#include "views/candidate_table_model.h"
#include "views/candidates_view.h"
#include "views/temperature_playground.h"

using namespace dlab;

namespace {

const Model& storyModel() {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    return model;
}

std::vector<Event> runEmbedded(const GenerationConfig& config) {
    const Model& model = storyModel();
    CpuBackend backend(model.config, model.weights);
    Tokenizer tokenizer(*model.vocab);
    MemoryTrace trace;
    SessionOptions options;
    options.model_name = "embedded:stories-target";
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    session.run("Once upon a time");
    return trace.events();
}

std::vector<Event> sampleRun() {
    GenerationConfig config;
    config.strategy = StrategyKind::Sample;
    config.temperature = 0.8f;
    config.top_k = 20;
    config.top_p = 0.9f;
    config.seed = 3;
    config.max_new_tokens = 4;
    config.stop_at_eos = false;
    return runEmbedded(config);
}

std::vector<Event> beamRun() {
    GenerationConfig config;
    config.strategy = StrategyKind::Beam;
    config.num_beams = 2;
    config.max_new_tokens = 3;
    config.stop_at_eos = false;
    return runEmbedded(config);
}

QString goldenTrace(const char* name) { return QString(DECODELAB_SOURCE_DIR "/tests/data/traces/") + name; }

// What the chart should show, reasoned from the spec: the sequence's candidates ordered by
// softmax probability, the first `top` of them, then any chosen one further down.
std::vector<CandidateRecord> expectedShown(const StepEvent& event, int seq, int top) {
    std::vector<CandidateRecord> all;
    for (const CandidateRecord& c : event.candidates)
        if (c.seq == seq) all.push_back(c);
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.probs[0] > b.probs[0]; });
    std::vector<CandidateRecord> shown;
    for (size_t i = 0; i < all.size(); ++i)
        if (int(i) < top || all[i].chosen) shown.push_back(all[i]);
    return shown;
}

int candidatesOf(const StepEvent& event, int seq) {
    return int(std::count_if(event.candidates.begin(), event.candidates.end(),
                             [seq](const CandidateRecord& c) { return c.seq == seq; }));
}

int keptAfter(const StepEvent& event, int seq, size_t probIndex) {
    return int(std::count_if(event.candidates.begin(), event.candidates.end(), [&](const CandidateRecord& c) {
        return c.seq == seq && c.probs[probIndex] > 0;
    }));
}

QBarSeries* stageSeries(const CandidatesView& view) {
    return view.findChild<CandidateChart*>("stageChart")->series();
}

QStringList stageCategories(const CandidatesView& view) {
    const QChart* chart = view.findChild<CandidateChart*>("stageChart")->chart();
    const auto axes = chart->axes(Qt::Horizontal);
    return axes.isEmpty() ? QStringList{} : qobject_cast<QBarCategoryAxis*>(axes.first())->categories();
}

// The chart's bars equal the step's probabilities, set by set and token by token.
void compareBars(const CandidatesView& view, const StepEvent& event, int seq, int top) {
    const std::vector<CandidateRecord> shown = expectedShown(event, seq, top);
    const QBarSeries* series = stageSeries(view);
    QCOMPARE(series->count(), int(event.stages.size()) + 1);
    QCOMPARE(stageCategories(view).size(), int(shown.size()));
    for (int k = 0; k < series->count(); ++k) {
        const QBarSet* set = series->barSets()[k];
        QCOMPARE(set->count(), int(shown.size()));
        for (int i = 0; i < set->count(); ++i) QCOMPARE(float(set->at(i)), shown[size_t(i)].probs[size_t(k)]);
    }
}

QList<qreal> barValues(const QBarSet* set) {
    QList<qreal> values;
    for (int i = 0; i < set->count(); ++i) values.append(set->at(i));
    return values;
}

// How many pixels differ from the most common colour: a blank render has none.
int inkedPixels(const QImage& image) {
    QHash<QRgb, int> counts;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) ++counts[image.pixel(x, y)];
    int most = 0;
    for (int n : counts) most = std::max(most, n);
    return image.width() * image.height() - most;
}

}  // namespace

class TestCandidatesView : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        m_sample = TraceTimeline(sampleRun());
        QVERIFY(m_sample.last_step() >= 3);
    }

    void stageChartMatchesTheTrace() {
        CandidatesView view;
        view.resize(1200, 900);
        view.setTimeline(&m_sample);
        view.showStep(1, false);
        const StepEvent& event = *m_sample.step_event(1);
        // the HF chain: penalties, temperature, top-k, top-p, min-p, typical-p
        QCOMPARE(event.stages,
                 (std::vector<std::string>{"repetition_penalty", "no_repeat_ngram", "temperature", "top_k",
                                           "top_p", "min_p", "typical_p"}));
        compareBars(view, event, 0, 10);

        // legends: the stage's name and how many tokens survive it
        const QList<QBarSet*> sets = stageSeries(view)->barSets();
        QCOMPARE(sets[0]->label(), QString("softmax"));
        const size_t topK = 4, topP = 5;
        QCOMPARE(keptAfter(event, 0, topK), 20);
        QCOMPARE(sets[int(topK)]->label(), QString("top-k (kept 20)"));
        QCOMPARE(sets[int(topP)]->label(), QString("top-p (kept %1)").arg(keptAfter(event, 0, topP)));
        // temperature prunes nothing: survivors beyond the 50 traced are not counted exactly
        QCOMPARE(sets[3]->label(), QString("temperature (kept ≥50)"));
    }

    void chosenTokenIsMarked() {
        CandidatesView view;
        view.setTimeline(&m_sample);
        for (int step = 1; step <= m_sample.last_step(); ++step) {
            view.showStep(step, false);
            const std::vector<CandidateRecord> shown = expectedShown(*m_sample.step_event(step), 0, 10);
            const auto chosen =
                std::find_if(shown.begin(), shown.end(), [](const auto& c) { return c.chosen; });
            QVERIFY(chosen != shown.end());
            const int at = int(chosen - shown.begin());
            for (const QBarSet* set : stageSeries(view)->barSets())
                QCOMPARE(set->selectedBars(), QList<int>{at});
            const QStringList categories = stageCategories(view);
            QVERIFY2(categories[at].endsWith(QString("✓")), qPrintable(categories[at]));
            QCOMPARE(categories.filter(QString("✓")).size(), 1);
            QVERIFY(view.findChild<QLabel*>("summary")->text().contains(
                CandidateTableModel::tokenLabel(chosen->text)));
        }
    }

    void prunedTokensAreZeroAfterTheirStage() {
        CandidatesView view;
        view.setTimeline(&m_sample);
        view.findChild<QSpinBox*>("topCount")->setValue(30);  // past top-k's 20
        std::set<std::string> cutBy;
        for (int step = 1; step <= m_sample.last_step(); ++step) {
            view.showStep(step, false);
            const StepEvent& event = *m_sample.step_event(step);
            compareBars(view, event, 0, 30);
            const std::vector<CandidateRecord> shown = expectedShown(event, 0, 30);
            const QList<QBarSet*> sets = stageSeries(view)->barSets();
            for (size_t i = 0; i < shown.size(); ++i) {
                const CandidateRecord& c = shown[i];
                if (c.kept) continue;
                const auto stage = std::find(event.stages.begin(), event.stages.end(), c.reason);
                QVERIFY2(stage != event.stages.end(), c.reason.c_str());
                const int cut = int(stage - event.stages.begin()) + 1;  // the set of that stage
                QVERIFY(sets[cut - 1]->at(int(i)) > 0);
                for (int k = cut; k < sets.size(); ++k) QCOMPARE(sets[k]->at(int(i)), 0.0);
                cutBy.insert(c.reason);
            }
        }
        QVERIFY(cutBy.count("top_k"));
        QVERIFY(cutBy.count("top_p"));
    }

    void tableListsAndSortsEveryCandidate() {
        CandidatesView view;
        view.resize(1200, 900);
        view.setTimeline(&m_sample);
        for (int step = 1; step <= m_sample.last_step(); ++step) {
            view.showStep(step, false);
            const StepEvent& event = *m_sample.step_event(step);
            auto* table = view.findChild<QTableView*>("candidateTable");
            const QAbstractItemModel* model = table->model();
            QCOMPARE(model->rowCount(), candidatesOf(event, 0));
            // token, text, logit, softmax + 7 stages, score, kept, reason, chosen
            QCOMPARE(model->columnCount(), 3 + 8 + 4);
            QCOMPARE(model->headerData(8, Qt::Horizontal).toString(), QString("top-p"));

            const int last = model->columnCount() - 5;
            table->sortByColumn(last, Qt::DescendingOrder);
            float best = 0;
            int bestToken = -1;
            for (const CandidateRecord& c : event.candidates)
                if (c.probs.back() > best) best = c.probs.back(), bestToken = c.token;
            QCOMPARE(model->index(0, 0).data().toInt(), bestToken);
            QCOMPARE(model->index(0, last).data(CandidateTableModel::kSortRole).toDouble(), double(best));
            for (int row = 1; row < model->rowCount(); ++row)
                QVERIFY(model->index(row, last).data(CandidateTableModel::kSortRole).toDouble() <= best);

            // by the chosen column: the sampled token first, marked
            const int chosenColumn = model->columnCount() - 1;
            table->sortByColumn(chosenColumn, Qt::DescendingOrder);
            const auto chosen = std::find_if(event.candidates.begin(), event.candidates.end(),
                                             [](const auto& c) { return c.chosen; });
            QCOMPARE(model->index(0, 0).data().toInt(), chosen->token);
            QCOMPARE(model->index(0, chosenColumn).data().toString(), QString("✓"));
            QCOMPARE(model->index(1, chosenColumn).data().toString(), QString());
        }
    }

    void playgroundIsSoftmaxOverTemperature() {
        CandidatesView view;
        view.setTimeline(&m_sample);
        auto* playground = view.findChild<TemperaturePlayground*>("temperaturePlayground");
        QCOMPARE(playground->temperature(), 0.8);  // the run's own temperature to start with
        // the flattest step, so that temperature visibly matters
        int step = 1;
        float flattest = 1;
        for (int s = 1; s <= m_sample.last_step(); ++s) {
            const std::vector<CandidateRecord> shown = expectedShown(*m_sample.step_event(s), 0, 1);
            if (shown[0].probs[0] < flattest) flattest = shown[0].probs[0], step = s;
        }
        view.showStep(step, false);
        const StepEvent& event = *m_sample.step_event(step);

        // T = 1 (through the slider): a straight-loop softmax of the traced logits
        view.findChild<QSlider*>("temperatureSlider")->setValue(100);
        QCOMPARE(playground->temperature(), 1.0);
        std::vector<double> expected;
        double sum = 0;
        float maxLogit = -INFINITY;
        for (const CandidateRecord& c : event.candidates) maxLogit = std::max(maxLogit, c.logit);
        for (const CandidateRecord& c : event.candidates) {
            expected.push_back(std::exp(double(c.logit) - maxLogit));
            sum += expected.back();
        }
        for (double& p : expected) p /= sum;
        std::vector<double> got = playground->distribution();
        QCOMPARE(got.size(), expected.size());
        std::sort(got.begin(), got.end());
        std::vector<double> sorted = expected;
        std::sort(sorted.begin(), sorted.end());
        for (size_t i = 0; i < got.size(); ++i) QVERIFY(std::abs(got[i] - sorted[i]) < 1e-12);
        // the chart draws T = 1 and the slider's T for the shown tokens, in the stage chart's order
        const QBarSeries* series = view.findChild<CandidateChart*>("temperatureChart")->series();
        QCOMPARE(series->count(), 2);
        QCOMPARE(series->barSets()[1]->label(), QString("T = 1.00"));
        const std::vector<CandidateRecord> shown = expectedShown(event, 0, 10);
        for (size_t i = 0; i < shown.size(); ++i) {
            const size_t at = size_t(std::find_if(event.candidates.begin(), event.candidates.end(),
                                                  [&](const auto& c) { return c.token == shown[i].token; }) -
                                     event.candidates.begin());
            QVERIFY(std::abs(series->barSets()[1]->at(int(i)) - expected[at]) < 1e-12);
            QVERIFY(std::abs(series->barSets()[0]->at(int(i)) - expected[at]) < 1e-12);
        }

        // small T concentrates on the largest logit, large T flattens
        const double peakAtOne = *std::max_element(expected.begin(), expected.end());
        playground->setTemperature(0.05);
        QCOMPARE(view.findChild<CandidateChart*>("temperatureChart")->series()->barSets()[1]->label(),
                 QString("T = 0.05"));
        const std::vector<double>& cold = playground->distribution();
        const auto top = std::max_element(cold.begin(), cold.end());
        QVERIFY2(*top > 0.99, qPrintable(QString::number(*top)));
        QVERIFY(*top > peakAtOne);
        QCOMPARE(series->barSets()[1]->at(0), *top);  // the first shown token has the largest logit
        playground->setTemperature(3.0);
        const std::vector<double>& hot = playground->distribution();
        QVERIFY(*std::max_element(hot.begin(), hot.end()) < peakAtOne);
        QCOMPARE(TemperaturePlayground::softmax({1.0f, -INFINITY}, 0.05), (std::vector<double>{1.0, 0.0}));
    }

    void csvHoldsTheChartData() {
        CandidatesView view;
        view.setTimeline(&m_sample);
        view.showStep(2, false);
        const QStringList lines = view.csv().split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.first(),
                 QString("token,text,softmax,repetition_penalty,no_repeat_ngram,temperature,top_k,"
                         "top_p,min_p,typical_p"));
        const std::vector<CandidateRecord> shown = expectedShown(*m_sample.step_event(2), 0, 10);
        QCOMPARE(lines.size(), 1 + int(shown.size()));
        QCOMPARE(lines[1].section(',', 0, 0).toInt(), shown[0].token);
        QCOMPARE(lines[1].section(',', -1).toFloat(), shown[0].probs.back());
    }

    void steppingChangesTheChart() {
        CandidatesView view;
        view.setTimeline(&m_sample);
        view.showStep(1, false);
        const QList<qreal> before = barValues(stageSeries(view)->barSets()[0]);
        view.showStep(2, false);
        compareBars(view, *m_sample.step_event(2), 0, 10);
        QVERIFY(barValues(stageSeries(view)->barSets()[0]) != before);
        view.showStep(0, false);  // the prefill has no candidates
        QCOMPARE(stageSeries(view)->count(), 0);
        QCOMPARE(view.csv(), QString());
    }

    void rendersSomething() {
        CandidatesView view;
        view.resize(1200, 900);
        view.setTimeline(&m_sample);
        view.showStep(1, false);
        const QImage image = view.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY2(inkedPixels(image) > image.width() * image.height() / 50, "the view rendered blank");
        const QImage chart = view.findChild<CandidateChart*>("stageChart")->grab().toImage();
        QVERIFY2(inkedPixels(chart) > chart.width() * chart.height() / 50, "the chart rendered blank");
    }

    void beamSearchShowsSoftmaxAlone() {
        const TraceTimeline beam(beamRun());
        CandidatesView view;
        view.resize(1200, 900);
        view.setTimeline(&beam);
        for (int step = 1; step <= beam.last_step(); ++step) {
            view.showStep(step, false);
            const StepEvent& event = *beam.step_event(step);
            QVERIFY(event.stages.empty());
            auto* sequences = view.findChild<QComboBox*>("sequenceBox");
            QSet<int> ids;
            for (const CandidateRecord& c : event.candidates) ids.insert(c.seq);
            QCOMPARE(sequences->count(), ids.size());
            for (int i = 0; i < sequences->count(); ++i) {
                sequences->setCurrentIndex(i);
                const int seq = sequences->itemData(i).toInt();
                compareBars(view, event, seq, 10);
                QCOMPARE(stageSeries(view)->barSets()[0]->label(), QString("softmax"));
                // token, text, logit, softmax, score, kept, reason, chosen
                QCOMPARE(view.findChild<QTableView*>("candidateTable")->model()->columnCount(), 8);
                QCOMPARE(view.findChild<QTableView*>("candidateTable")->model()->rowCount(),
                         candidatesOf(event, seq));
            }
        }
        QCOMPARE(view.csv().section('\n', 0, 0), QString("token,text,softmax"));
        QVERIFY(inkedPixels(view.grab().toImage()) > 0);
    }

    void contrastiveValuesGetColumns() {
        GenerationConfig config;
        config.strategy = StrategyKind::Contrastive;
        config.top_k = 4;
        config.max_new_tokens = 2;
        config.stop_at_eos = false;
        const TraceTimeline contrastive(runEmbedded(config));
        CandidatesView view;
        view.setTimeline(&contrastive);
        view.showStep(2, false);
        const QAbstractItemModel* model = view.findChild<QTableView*>("candidateTable")->model();
        // token, text, logit, softmax, score, kept, reason, chosen, confidence, degeneration penalty
        QCOMPARE(model->columnCount(), 10);
        QCOMPARE(model->headerData(9, Qt::Horizontal).toString(), QString("Degeneration penalty"));
        int withValues = 0;
        for (const CandidateRecord& c : contrastive.step_event(2)->candidates) {
            if (!c.confidence) continue;
            ++withValues;
            const QModelIndexList rows =
                model->match(model->index(0, 0), Qt::DisplayRole, c.token, 1, Qt::MatchExactly);
            QCOMPARE(rows.size(), 1);
            QCOMPARE(model->index(rows[0].row(), 8).data(CandidateTableModel::kSortRole).toDouble(),
                     double(*c.confidence));
            QCOMPARE(model->index(rows[0].row(), 9).data(CandidateTableModel::kSortRole).toDouble(),
                     double(*c.degeneration_penalty));
        }
        QCOMPARE(withValues, 4);  // the top-k candidates
    }

    void textbookBeamTrace() {
        const QString path = goldenTrace("textbook-beam.jsonl");
        if (!QFile::exists(path)) QSKIP("tests/data/traces/textbook-beam.jsonl is not there");
        const TraceTimeline book(read_jsonl_trace(path.toStdString()));
        CandidatesView view;
        view.setTimeline(&book);
        view.showStep(2, false);
        // the book's k = 2 example at step 2: beam "A" grows to AB and AE, beam "C" dies
        auto* sequences = view.findChild<QComboBox*>("sequenceBox");
        QCOMPARE(sequences->count(), 2);
        sequences->setCurrentIndex(sequences->findData(1));
        QCOMPARE(stageCategories(view), (QStringList{"B ✓", "E ✓", "D", "A", "C", "<s>", "⟨6⟩"}));
        compareBars(view, *book.step_event(2), 1, 10);
        sequences->setCurrentIndex(sequences->findData(0));
        QVERIFY(stageCategories(view).filter("✓").isEmpty());
        QVERIFY(view.findChild<QLabel*>("summary")->text().contains("none chosen"));
    }

    void goldenSamplingTrace() {
        const QString path = goldenTrace("sample-topp.jsonl");
        if (!QFile::exists(path)) QSKIP("tests/data/traces/sample-topp.jsonl is not there");
        const TraceTimeline golden(read_jsonl_trace(path.toStdString()));
        CandidatesView view;
        view.setTimeline(&golden);
        for (int step = 1; step <= golden.last_step(); ++step) {
            view.showStep(step, false);
            compareBars(view, *golden.step_event(step), 0, 10);
        }
    }

private:
    TraceTimeline m_sample;
};

QTEST_MAIN(TestCandidatesView)
#include "test_candidates_view.moc"
