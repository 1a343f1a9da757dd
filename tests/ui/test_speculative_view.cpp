// The Speculative view on the golden trace tests/data/traces/speculative.jsonl (the embedded
// target and draft models, sampling, γ = 4, 24 tokens): at a round with a rejection every
// draft cell carries the spec_round event's outcome, accepted, rejected and unverified cells
// are told apart by colour (green, vermillion, grey) and the round's token cell says
// resampled; the p/q bars of the selected position are the event's p and q (the residual
// beside them at the rejected position), and clicking a draft cell moves the bars there; the
// α series has one point per round, the running accepted / (accepted + rejected) counted
// here, and the tokens-per-pass series end on the spec_summary's figures; the CSV rows are
// the events; a trace without speculative events says so. Expected values come from the
// events and hand computation, never from the view's helpers.
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsRectItem>
#include <QGraphicsView>
#include <QLabel>
#include <QLineSeries>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "testing/csv.h"
#include "trace/jsonl.h"
#include "trace/trace_timeline.h"
#include "view_exporter.h"
#include "views/candidate_chart.h"
#include "views/spec_round_rows.h"
#include "views/speculative_view.h"

using namespace dlab;

namespace {

const QString kTraces = QStringLiteral(DECODELAB_SOURCE_DIR "/tests/data/traces/");

const TraceTimeline& golden() {
    static const TraceTimeline timeline(read_jsonl_trace((kTraces + "speculative.jsonl").toStdString()));
    return timeline;
}

// The rounds in step order, straight from the events.
std::vector<const SpecRoundEvent*> rounds(const TraceTimeline& timeline) {
    std::vector<const SpecRoundEvent*> out;
    for (const Event& e : timeline.events())
        if (const auto* round = std::get_if<SpecRoundEvent>(&e.body)) out.push_back(round);
    return out;
}

int stepOf(const TraceTimeline& timeline, const SpecRoundEvent* round) {
    for (const Event& e : timeline.events())
        if (std::get_if<SpecRoundEvent>(&e.body) == round) return e.step;
    return -1;
}

// The first round whose drafts were rejected with later drafts left unverified, else the
// first with a rejection.
const SpecRoundEvent* roundWithRejection(const TraceTimeline& timeline) {
    const SpecRoundEvent* found = nullptr;
    for (const SpecRoundEvent* r : rounds(timeline)) {
        if (r->token_kind != "resampled" || r->drafts.empty()) continue;
        if (!found) found = r;
        if (r->drafts.back().outcome == "unverified" && r->accepted > 0) return r;
    }
    return found;
}

QColor cellColour(const QGraphicsItem* item) {
    return static_cast<const QGraphicsRectItem*>(item)->brush().color();
}

QList<qreal> values(const QBarSet* set) {
    QList<qreal> out;
    for (int i = 0; i < set->count(); ++i) out.append(set->at(i));
    return out;
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

}  // namespace

class TestSpeculativeView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void draftCellsShowTheOutcomes();
    void barsShowTheSelectedPosition();
    void clickingADraftChoosesItsPosition();
    void alphaAndTokensPerPassOverTheRounds();
    void csvRowsAreTheRounds();
    void exportsPictures();
    void noSpeculativeEventsSaysSo();
};

void TestSpeculativeView::initTestCase() {
    QVERIFY2(QFile::exists(kTraces + "speculative.jsonl"), "missing: scripts/make-golden-traces.sh");
    const TraceTimeline& timeline = golden();
    QVERIFY(timeline.speculative());
    QVERIFY(timeline.spec_summary());
    // the trace shows every case the view draws: accepted, rejected, unverified, resampled, bonus
    bool accepted = false, unverified = false, bonus = false;
    for (const SpecRoundEvent* r : rounds(timeline)) {
        bonus = bonus || r->token_kind == "bonus";
        for (const DraftTokenRecord& d : r->drafts) {
            accepted = accepted || d.outcome == "accepted";
            unverified = unverified || d.outcome == "unverified";
        }
    }
    QVERIFY(accepted && unverified && bonus);
    QVERIFY(roundWithRejection(timeline));
}

void TestSpeculativeView::draftCellsShowTheOutcomes() {
    const TraceTimeline& timeline = golden();
    const SpecRoundEvent* round = roundWithRejection(timeline);
    const int step = stepOf(timeline, round);
    SpeculativeView view;
    view.setTimeline(&timeline);
    view.showStep(step, false);
    SpecRoundRows* rows = view.rows();

    // one row per round so far, the shown one highlighted
    QSet<int> labelled;
    int current = 0;
    for (QGraphicsItem* item : rows->items()) {
        const QString role = item->data(SpecRoundRows::kRoleKey).toString();
        if (role == QLatin1String("current")) {
            ++current;
            QCOMPARE(item->data(SpecRoundRows::kRoundKey).toInt(), round->round);
        }
        if (role == QLatin1String("label") && item->data(SpecRoundRows::kRoundKey).toInt() > 0)
            labelled.insert(item->data(SpecRoundRows::kRoundKey).toInt());
    }
    QCOMPARE(current, 1);
    int roundsSoFar = 0;
    for (const SpecRoundEvent* r : rounds(timeline)) roundsSoFar += stepOf(timeline, r) <= step ? 1 : 0;
    QCOMPARE(labelled.size(), roundsSoFar);

    std::map<std::string, QColor> colours;
    for (size_t i = 0; i < round->drafts.size(); ++i) {
        QGraphicsItem* cell = rows->cell(round->round, QStringLiteral("draft"), int(i));
        QVERIFY(cell);
        const std::string& outcome = round->drafts[i].outcome;
        QCOMPARE(cell->data(SpecRoundRows::kOutcomeKey).toString().toStdString(), outcome);
        // one colour per outcome
        const QColor colour = cellColour(cell);
        if (colours.count(outcome)) QCOMPARE(colour, colours[outcome]);
        colours[outcome] = colour;
        // each outcome in its own hue: green kept, vermillion refused, grey never judged
        if (outcome == "accepted") QVERIFY2(colour.hue() > 90 && colour.hue() < 200, qPrintable(colour.name()));
        if (outcome == "rejected") QVERIFY2(colour.hue() >= 0 && colour.hue() < 40, qPrintable(colour.name()));
        if (outcome == "unverified") QVERIFY2(colour.hsvSaturation() < 40, qPrintable(colour.name()));
        // the tooltip carries the draft's q and p
        QVERIFY(!cell->toolTip().isEmpty());
    }
    QCOMPARE(colours.size(), size_t(3));
    // the round's own token, resampled at the rejected position, in a colour of its own
    QGraphicsItem* token = rows->cell(round->round, QStringLiteral("token"), round->accepted);
    QVERIFY(token);
    QCOMPARE(token->data(SpecRoundRows::kOutcomeKey).toString(), QStringLiteral("resampled"));
    for (const auto& [outcome, colour] : colours) QVERIFY(cellColour(token) != colour);

    // a round where every draft stood ends with a bonus token
    for (const SpecRoundEvent* r : rounds(timeline)) {
        if (r->token_kind != "bonus") continue;
        view.showStep(stepOf(timeline, r), false);
        QGraphicsItem* bonus = rows->cell(r->round, QStringLiteral("token"), int(r->drafts.size()));
        QVERIFY(bonus);
        QCOMPARE(bonus->data(SpecRoundRows::kOutcomeKey).toString(), QStringLiteral("bonus"));
        QVERIFY(view.explanation()->text().contains(QStringLiteral("bonus")));
        break;
    }
}

void TestSpeculativeView::barsShowTheSelectedPosition() {
    const TraceTimeline& timeline = golden();
    const SpecRoundEvent* round = roundWithRejection(timeline);
    SpeculativeView view;
    view.setTimeline(&timeline);
    view.showStep(stepOf(timeline, round), false);

    // by default the rejected position, with the residual the replacement was drawn from
    QCOMPARE(view.selectedPosition(), round->accepted);
    const QList<QBarSet*> sets = view.distributionChart()->series()->barSets();
    QCOMPARE(sets.size(), 3);
    const std::vector<SpecCandidate>& at = round->positions.at(size_t(round->accepted));
    QVERIFY(!at.empty());
    const QList<qreal> p = values(sets[0]), q = values(sets[1]), residual = values(sets[2]);
    QVERIFY(p.size() >= int(at.size()));
    for (size_t k = 0; k < at.size(); ++k) {
        QVERIFY2(close(p[int(k)], at[k].p), qPrintable(QString::number(k)));
        QVERIFY2(close(q[int(k)], at[k].q), qPrintable(QString::number(k)));
        QVERIFY2(close(residual[int(k)], at[k].residual), qPrintable(QString::number(k)));
    }
    // the residual is norm(max(0, p − q)): nothing where q ≥ p
    for (size_t k = 0; k < at.size(); ++k)
        if (at[k].q >= at[k].p) QCOMPARE(residual[int(k)], 0.0);
    // the rejected draft and the resampled token stand out
    QVERIFY(!sets[0]->selectedBars().isEmpty());
    QVERIFY(view.positionLabel()->text().contains(QStringLiteral("rejected")));

    // an accepted position: p and q only
    if (round->accepted > 0) {
        view.selectPosition(0);
        const QList<QBarSet*> accepted = view.distributionChart()->series()->barSets();
        QCOMPARE(accepted.size(), 2);
        const std::vector<SpecCandidate>& first = round->positions.at(0);
        for (size_t k = 0; k < first.size(); ++k) {
            QVERIFY(close(values(accepted[0])[int(k)], first[k].p));
            QVERIFY(close(values(accepted[1])[int(k)], first[k].q));
        }
    }
}

void TestSpeculativeView::clickingADraftChoosesItsPosition() {
    const TraceTimeline& timeline = golden();
    const SpecRoundEvent* round = roundWithRejection(timeline);
    SpeculativeView view;
    view.resize(1400, 900);
    view.setTimeline(&timeline);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.showStep(stepOf(timeline, round), false);
    const int last = int(round->drafts.size()) - 1;
    QVERIFY(last > round->accepted);

    auto* graphics = view.findChild<QGraphicsView*>(QStringLiteral("roundsView"));
    QVERIFY(graphics && graphics->scene() == view.rows());
    QGraphicsItem* cell = view.rows()->cell(round->round, QStringLiteral("draft"), last);
    QVERIFY(cell);
    graphics->ensureVisible(cell);
    const QPoint at = graphics->mapFromScene(cell->sceneBoundingRect().center());
    QTest::mouseClick(graphics->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(view.selectedPosition(), last);

    // an unverified draft: its own p and q, from the draft record
    const DraftTokenRecord& draft = round->drafts[size_t(last)];
    QCOMPARE(draft.outcome, std::string("unverified"));
    const QList<QBarSet*> sets = view.distributionChart()->series()->barSets();
    QCOMPARE(sets.size(), 2);
    QVERIFY(close(sets[0]->at(0), draft.p));
    QVERIFY(close(sets[1]->at(0), draft.q));
    QVERIFY(view.positionLabel()->text().contains(QStringLiteral("not verified")));
}

void TestSpeculativeView::alphaAndTokensPerPassOverTheRounds() {
    const TraceTimeline& timeline = golden();
    SpeculativeView view;
    view.setTimeline(&timeline);
    view.showStep(timeline.last_step(), false);
    const std::vector<const SpecRoundEvent*> all = rounds(timeline);
    QCOMPARE(view.alphaSeries()->count(), int(all.size()));
    QCOMPARE(view.expectedSeries()->count(), int(all.size()));
    QCOMPARE(view.measuredSeries()->count(), int(all.size()));

    int accepted = 0, rejected = 0, added = 0;
    std::vector<int> drafted;
    for (size_t i = 0; i < all.size(); ++i) {
        const SpecRoundEvent& r = *all[i];
        for (const DraftTokenRecord& d : r.drafts) {
            accepted += d.outcome == "accepted";
            rejected += d.outcome == "rejected";
        }
        added += r.emitted;
        drafted.push_back(int(r.drafts.size()));
        const double alpha = accepted + rejected > 0 ? double(accepted) / (accepted + rejected) : 0.0;
        double expected = 0;
        for (int n : drafted) {
            double sum = 0;  // 1 + α + … + α^n
            for (int k = 0; k <= n; ++k) sum += std::pow(alpha, k);
            expected += sum;
        }
        expected /= double(drafted.size());
        const QPointF a = view.alphaSeries()->at(int(i));
        QCOMPARE(a.x(), qreal(r.round));
        QVERIFY2(close(a.y(), alpha), qPrintable(QStringLiteral("round %1: %2 vs %3").arg(r.round).arg(a.y()).arg(alpha)));
        QVERIFY(close(view.expectedSeries()->at(int(i)).y(), expected));
        QVERIFY(close(view.measuredSeries()->at(int(i)).y(), double(added) / double(i + 1)));
    }
    // the last points are the run's summary
    const SpecSummaryEvent* summary = timeline.spec_summary();
    QVERIFY(close(view.alphaSeries()->at(int(all.size()) - 1).y(), summary->alpha));
    QVERIFY(close(view.measuredSeries()->at(int(all.size()) - 1).y(), summary->tokens_per_target_pass));
    QVERIFY(close(view.expectedSeries()->at(int(all.size()) - 1).y(), summary->expected_tokens_per_target_pass));
}

void TestSpeculativeView::csvRowsAreTheRounds() {
    const TraceTimeline& timeline = golden();
    SpeculativeView view;
    view.setTimeline(&timeline);
    view.showStep(3, false);
    const QList<QStringList> rows = dlab::testing::parse_csv(view.csv());
    const std::vector<const SpecRoundEvent*> all = rounds(timeline);
    QCOMPARE(rows.size(), int(all.size()) + 1);
    QCOMPARE(rows[0].mid(0, 10), QString("round,step,gamma,drafted,accepted,rejected,token,text,kind,emitted").split(','));
    QCOMPARE(rows[0].at(10), QStringLiteral("alpha_so_far"));
    int accepted = 0, verified = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const SpecRoundEvent& r = *all[i];
        const QStringList& row = rows[int(i) + 1];
        const bool rejected = r.token_kind == "resampled";
        accepted += r.accepted;
        verified += r.accepted + (rejected ? 1 : 0);
        const QStringList expected{QString::number(r.round),
                                   QString::number(stepOf(timeline, &r)),
                                   QString::number(r.gamma),
                                   QString::number(r.drafts.size()),
                                   QString::number(r.accepted),
                                   rejected ? QStringLiteral("1") : QStringLiteral("0"),
                                   QString::number(r.token),
                                   QString::fromStdString(r.token_text),
                                   QString::fromStdString(r.token_kind),
                                   QString::number(r.emitted)};
        QCOMPARE(row.mid(0, 10), expected);
        QVERIFY(close(row[10].toDouble(), verified > 0 ? double(accepted) / verified : 0.0));
    }

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rounds.csv"));
    QString error;
    QVERIFY2(ViewExporter::exportCsv(&view, path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), view.csv());
}

void TestSpeculativeView::exportsPictures() {
    const TraceTimeline& timeline = golden();
    SpeculativeView view;
    view.setTimeline(&timeline);
    view.showStep(stepOf(timeline, roundWithRejection(timeline)), false);
    QTemporaryDir dir;
    for (const QString& format : ViewExporter::imageFormats()) {
        const QString path = dir.filePath(QStringLiteral("speculative.") + format);
        QString error;
        QVERIFY2(ViewExporter::exportWidget(&view, path, QSize(1200, 700), &error), qPrintable(error));
        QVERIFY(QFileInfo(path).size() > 1000);
    }
}

void TestSpeculativeView::noSpeculativeEventsSaysSo() {
    SpeculativeView view;
    view.setTimeline(nullptr);
    QVERIFY(view.message()->isVisibleTo(&view));
    QVERIFY(view.csv().isEmpty());

    const TraceTimeline beam(read_jsonl_trace((kTraces + "textbook-beam.jsonl").toStdString()));
    QVERIFY(!beam.speculative());
    view.setTimeline(&beam);
    view.showStep(2, false);
    QVERIFY(view.message()->isVisibleTo(&view));
    QVERIFY(!view.explanation()->isVisibleTo(&view));
    const QString text = view.message()->text();
    QVERIFY2(text.contains(QStringLiteral("no speculative sampling")), qPrintable(text));
    // and how to get one
    QVERIFY2(text.contains(QStringLiteral("--draft-model")), qPrintable(text));
    QVERIFY(view.csv().isEmpty());
    QString error;
    QVERIFY(!ViewExporter::exportCsv(&view, QStringLiteral("/nonexistent/x.csv"), &error));

    // back to a speculative trace
    view.setTimeline(&golden());
    view.showStep(1, false);
    QVERIFY(!view.message()->isVisibleTo(&view));
    QVERIFY(!view.csv().isEmpty());
}

QTEST_MAIN(TestSpeculativeView)
#include "test_speculative_view.moc"
