// The beam tree drawn from real runs: the textbook's beam search (k = 2) step by step as in
// the book's figure — A, C; then AB, AE with the other candidates pruned and C's branch
// dropped; then ABC, AED; then both finished — stepping back hiding later columns, the step
// animation, a rendering that is not blank; greedy search on the embedded model as one
// straight path with its runner-ups; contrastive search's confidence and penalty; the CSV.
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QImage>
#include <QTest>
#include <cmath>

#include "embedded_models.h"
#include "engine/cpu_backend.h"
#include "engine/session.h"
#include "table/table_backend.h"
#include "table/table_model.h"
#include "tokenizer/tokenizer.h"
#include "trace/trace_sink.h"
#include "views/beam_tree_view.h"

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

// The book's example: beam search with k = 2 from "<s>" (as scripts/make-golden-traces.sh).
std::vector<Event> textbookTrace() {
    GenerationConfig config;
    config.strategy = StrategyKind::Beam;
    config.num_beams = 2;
    config.num_return_sequences = 2;
    config.max_new_tokens = 4;
    return runTable("textbook-beam.json", config, "<s>");
}

std::vector<Event> storyTrace(GenerationConfig config) {
    static const Model model = load_model_or_embedded("embedded:stories-target");
    Tokenizer tokenizer(*model.vocab);
    CpuBackend backend(model.config, model.weights);
    MemoryTrace trace;
    SessionOptions options;
    options.model_name = "embedded:stories-target";
    options.record_timings = false;
    Session session(backend, tokenizer, config, &trace, options);
    session.run("Once upon a time");
    return trace.events();
}

// The text lines drawn in a node's box, top to bottom.
QStringList linesOf(const QGraphicsItem* box) {
    QStringList lines;
    for (const QGraphicsItem* child : box->childItems())
        if (const auto* text = dynamic_cast<const QGraphicsSimpleTextItem*>(child)) lines << text->text();
    return lines;
}

struct Shown {
    QString path;   // the tokens drawn from the first step to this node
    QString state;  // the state drawn
    int step = 0;
    const QGraphicsPathItem* box = nullptr;
};

// Every node box visible in the scene, read from the items (and the layout's parent links).
QList<Shown> shownNodes(const BeamTreeView& view) {
    QList<Shown> shown;
    for (QGraphicsItem* item : view.scene()->items()) {
        const QVariant index = item->data(BeamTreeView::kNodeIndexKey);
        if (!index.isValid() || !item->isVisible()) continue;
        Shown s;
        s.box = static_cast<const QGraphicsPathItem*>(item);
        s.state = item->data(BeamTreeView::kStateKey).toString();
        s.step = view.layout().nodes()[index.toInt()].step;
        for (int i = index.toInt(); view.layout().nodes()[i].parent >= 0; i = view.layout().nodes()[i].parent)
            s.path.prepend(linesOf(view.nodeItem(i)).value(0));
        shown << s;
    }
    return shown;
}

QSet<QString> pathsAt(const QList<Shown>& shown, int step, const QString& state) {
    QSet<QString> paths;
    for (const Shown& s : shown)
        if (s.step == step && s.state == state) paths << s.path;
    return paths;
}

const Shown* find(const QList<Shown>& shown, const QString& path) {
    for (const Shown& s : shown)
        if (s.path == path) return &s;
    return nullptr;
}

// Pixels that differ from the corner's colour.
int inkedPixels(const QImage& image) {
    const QRgb background = image.pixel(0, 0);
    int inked = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) inked += image.pixel(x, y) != background;
    return inked;
}

}  // namespace

class TestBeamTreeView : public QObject {
    Q_OBJECT

private slots:
    void textbookBeamSearchStepByStep() {
        const TraceTimeline timeline(textbookTrace());
        BeamTreeView view;
        view.resize(900, 600);
        view.show();
        view.setTimeline(&timeline);

        // step 0: the prompt alone
        view.showStep(0, false);
        QList<Shown> shown = shownNodes(view);
        QCOMPARE(shown.size(), 1);
        QCOMPARE(linesOf(shown[0].box).value(0), QString("<s>"));
        QCOMPARE(shown[0].state, QString("prompt"));

        // step 1: A and C kept (p 0.45, 0.5), D (p 0.05) pruned; B and E, impossible, not drawn
        view.showStep(1, false);
        shown = shownNodes(view);
        QCOMPARE(pathsAt(shown, 1, "kept"), (QSet<QString>{"A", "C"}));
        QCOMPARE(pathsAt(shown, 1, "pruned"), (QSet<QString>{"D"}));
        QCOMPARE(shown.size(), 4);
        QVERIFY(linesOf(find(shown, "A")->box).contains("log p −0.80"));  // ln 0.45
        QVERIFY(linesOf(find(shown, "C")->box).contains("log p −0.69"));  // ln 0.5
        QVERIFY(linesOf(find(shown, "D")->box).contains("p 0.05"));
        QVERIFY(linesOf(find(shown, "D")->box).contains("out of the beam"));

        // step 2: AB and AE kept; C's continuations and AD pruned; C's branch dropped
        view.showStep(2, false);
        shown = shownNodes(view);
        QCOMPARE(pathsAt(shown, 2, "kept"), (QSet<QString>{"AB", "AE"}));
        QCOMPARE(pathsAt(shown, 2, "pruned"), (QSet<QString>{"CE", "CB", "CD", "AD"}));
        QCOMPARE(pathsAt(shown, 1, "kept"), (QSet<QString>{"A"}));
        QCOMPARE(pathsAt(shown, 1, "dropped"), (QSet<QString>{"C"}));
        QVERIFY(linesOf(find(shown, "AB")->box).contains("log p −1.40"));  // ln 0.45·0.55
        QVERIFY(linesOf(find(shown, "AE")->box).contains("log p −1.71"));  // ln 0.45·0.4
        QCOMPARE(find(shown, "C")->box->opacity(), find(shown, "CE")->box->opacity());
        QVERIFY(find(shown, "C")->box->opacity() < find(shown, "A")->box->opacity());

        // step 3: ABC and AED kept, ABD and AEB pruned
        view.showStep(3, false);
        shown = shownNodes(view);
        QCOMPARE(pathsAt(shown, 3, "kept"), (QSet<QString>{"ABC", "AED"}));
        QCOMPARE(pathsAt(shown, 3, "pruned"), (QSet<QString>{"ABD", "AEB"}));
        QVERIFY(linesOf(find(shown, "ABC")->box).contains("log p −1.50"));  // ln 0.45·0.55·0.9
        QVERIFY(linesOf(find(shown, "AED")->box).contains("log p −2.07"));  // ln 0.45·0.4·0.7

        // step 4: both end with EOS, finished hypotheses with a double border
        view.showStep(4, false);
        shown = shownNodes(view);
        QCOMPARE(pathsAt(shown, 4, "finished"), (QSet<QString>{"ABC<eos>", "AED<eos>"}));
        for (const QString path : {"ABC<eos>", "AED<eos>"}) {
            int borders = 0;
            for (const QGraphicsItem* child : find(shown, path)->box->childItems())
                borders += dynamic_cast<const QGraphicsPathItem*>(child) && child->isVisible();
            QCOMPARE(borders, 1);
        }
        QCOMPARE(pathsAt(shown, 3, "kept"), (QSet<QString>{"ABC", "AED"}));

        // back to step 1: later columns hidden, C alive again
        view.showStep(1, false);
        shown = shownNodes(view);
        for (const Shown& s : shown) QVERIFY2(s.step <= 1, qPrintable(s.path));
        QCOMPARE(pathsAt(shown, 1, "kept"), (QSet<QString>{"A", "C"}));
        int hidden = 0;
        for (int i = 0; i < view.layout().nodes().size(); ++i)
            if (view.layout().nodes()[i].step == 2) hidden += !view.nodeItem(i)->isVisible();
        QCOMPARE(hidden, 6);

        // rendered, not blank: the nodes and their text leave ink over much of the view
        view.showStep(2, false);
        const QImage image = view.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY2(inkedPixels(image) > image.width() * image.height() / 50,
                 qPrintable(QString("%1 inked pixels").arg(inkedPixels(image))));
    }

    void stepAnimationSlidesInAndFades() {
        const TraceTimeline timeline(textbookTrace());
        BeamTreeView view;
        view.resize(900, 600);
        view.setTimeline(&timeline);
        view.showStep(1, false);
        int c = -1, ab = -1;
        for (int i = 0; i < view.layout().nodes().size(); ++i) {
            const BeamTreeNode& node = view.layout().nodes()[i];
            if (node.step == 1 && node.label == "C") c = i;
            if (node.step == 2 && node.text == "AB") ab = i;
        }
        QVERIFY(c >= 0 && ab >= 0);
        // where the jump puts everything at step 2
        view.showStep(2, false);
        const QPointF abEnd = view.nodeItem(ab)->pos();
        const qreal cEnd = view.nodeItem(c)->opacity();
        QVERIFY(cEnd < 1.0);

        view.showStep(1, false);
        view.showStep(2, true);
        QVERIFY(view.isAnimating());
        QVERIFY(view.nodeItem(ab)->opacity() < 0.5);  // fading in
        QVERIFY(view.nodeItem(ab)->pos() != abEnd);   // sliding out of its parent
        QVERIFY(view.nodeItem(c)->opacity() > cEnd);  // still fading out
        QTRY_VERIFY_WITH_TIMEOUT(!view.isAnimating(), 5000);
        QCOMPARE(view.nodeItem(ab)->pos(), abEnd);
        QCOMPARE(view.nodeItem(ab)->opacity(), 1.0);
        QCOMPARE(view.nodeItem(c)->opacity(), cEnd);

        // not adjacent: a jump
        view.showStep(4, true);
        QVERIFY(!view.isAnimating());
        view.showStep(3, true);
        QVERIFY(!view.isAnimating());
    }

    void greedyIsOnePathWithRunnerUps() {
        GenerationConfig config;
        config.max_new_tokens = 6;
        config.stop_at_eos = false;
        config.trace_top_n = 10;
        const TraceTimeline timeline(storyTrace(config));
        BeamTreeView view;
        view.resize(1000, 500);
        view.setTimeline(&timeline);
        view.showStep(6, false);
        const QList<Shown> shown = shownNodes(view);
        for (int step = 1; step <= 6; ++step) {
            // the one token chosen, and the three most probable others, from the trace
            const StepEvent& event = *timeline.step_event(step);
            std::vector<CandidateRecord> others;
            QString chosen;
            for (const CandidateRecord& c : event.candidates)
                if (c.chosen)
                    chosen = QString::fromStdString(c.text).trimmed();
                else
                    others.push_back(c);
            std::sort(others.begin(), others.end(), [](const CandidateRecord& a, const CandidateRecord& b) {
                return a.probs[0] > b.probs[0];
            });
            QStringList kept, pruned, expectedPruned;
            for (int k = 0; k < 3; ++k) expectedPruned << QString::fromStdString(others[k].text).trimmed();
            for (const Shown& s : shown) {
                if (s.step != step) continue;
                (s.state == "kept" ? kept : pruned) << linesOf(s.box).value(0);
                QVERIFY(s.state == "kept" || s.state == "pruned");
                if (s.state == "pruned") QVERIFY(linesOf(s.box).value(1).startsWith("p "));
                // one straight path: every chosen token on the first row
                const int index = s.box->data(BeamTreeView::kNodeIndexKey).toInt();
                if (s.state == "kept") QCOMPARE(view.layout().nodes()[index].row, 0);
            }
            QCOMPARE(kept, QStringList{chosen});
            std::sort(pruned.begin(), pruned.end());
            std::sort(expectedPruned.begin(), expectedPruned.end());
            QCOMPARE(pruned, expectedPruned);
        }
        int sequences = 0;
        for (const BeamTreeNode& node : view.layout().nodes())
            sequences += node.kind == BeamTreeNode::Kind::Sequence;
        QCOMPARE(sequences, 6);
    }

    void contrastiveShowsConfidenceAndPenalty() {
        // the repetition trap: after "I think that", "I" is likeliest (0.6) but repeats
        GenerationConfig config;
        config.strategy = StrategyKind::Contrastive;
        config.penalty_alpha = 0.6f;
        config.top_k = 3;
        config.max_new_tokens = 4;
        const TraceTimeline timeline(runTable("repetition-trap.json", config, "I"));
        BeamTreeView view;
        view.setTimeline(&timeline);
        view.showStep(3, false);
        const QList<Shown> shown = shownNodes(view);
        const Shown* you = find(shown, "thinkthatyou");
        const Shown* again = find(shown, "thinkthatI");
        QVERIFY(you && again);
        QCOMPARE(you->state, QString("kept"));
        QCOMPARE(again->state, QString("pruned"));
        QVERIFY(linesOf(you->box).contains("conf 0.30 · pen 0.00"));
        QVERIFY(linesOf(again->box).contains("conf 0.60 · pen 1.00"));
    }

    void csvHasOneRowPerNode() {
        const TraceTimeline timeline(textbookTrace());
        BeamTreeView view;
        view.setTimeline(&timeline);
        view.showStep(2, false);
        const QStringList rows = view.csv().trimmed().split('\n');
        QCOMPARE(rows.value(0), QString("step,seq,token,text,logprob,score,state,prob,reason"));
        // the prompt; C, A, D; AB, AE and the four pruned
        QCOMPARE(rows.size(), 1 + 1 + 3 + 6);
        int keptAtTwo = 0;
        for (const QString& row : rows.mid(1)) {
            const QStringList f = row.split(',');
            QCOMPARE(f.size(), 9);
            if (f[0] == "2" && f[6] == "kept") {
                ++keptAtTwo;
                const double expected = f[3] == "B" ? std::log(0.45 * 0.55) : std::log(0.45 * 0.4);
                QVERIFY2(std::abs(f[4].toDouble() - expected) < 1e-6, qPrintable(row));
            }
            if (f[0] == "1" && f[3] == "C") QCOMPARE(f[6], QString("dropped"));
        }
        QCOMPARE(keptAtTwo, 2);
    }
};

QTEST_MAIN(TestBeamTreeView)
#include "test_beam_tree_view.moc"
