#include "views/speculative_view.h"

#include <QEvent>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>

#include "views/candidate_chart.h"
#include "views/narrator.h"
#include "views/round_line_chart.h"
#include "views/spec_round_rows.h"
#include "views/spec_round_text.h"

namespace {

constexpr qreal kSentenceScale = 1.25;  // the round's sentence, read from the back of a room

// Okabe and Ito: the measurement in blue, the theory in orange, α in green.
const QColor kAlphaColour(0x00, 0x9e, 0x73);
const QColor kMeasuredColour(0x00, 0x72, 0xb2);
const QColor kExpectedColour(0xe6, 0x9f, 0x00);

// Speculative sampling's expected tokens per target pass with n drafts and acceptance rate α
// (Leviathan et al. 2023): 1 + α + … + α^n.
double expectedTokens(double alpha, int n) {
    return alpha < 1.0 ? (1.0 - std::pow(alpha, n + 1)) / (1.0 - alpha) : n + 1.0;
}

QString number(double value) { return Narrator::formatNumber(value, 2); }

QString csvText(const std::string& text) {
    QString quoted = QString::fromStdString(text);
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

// One bar group of the p/q chart.
struct Bar {
    int token = 0;
    std::string text;
    float p = 0, q = 0, residual = 0;
};

}  // namespace

SpeculativeView::SpeculativeView(QWidget* parent) : StepView(parent) {
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setMargin(fontMetrics().height() * 2);

    m_explanation = new QLabel;
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::PlainText);
    m_explanation->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_rows = new SpecRoundRows(this);
    m_rowsView = new QGraphicsView(m_rows);
    m_rowsView->setObjectName(QStringLiteral("roundsView"));
    m_rowsView->setRenderHint(QPainter::Antialiasing);
    m_rowsView->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    connect(m_rows, &SpecRoundRows::positionClicked, this, &SpeculativeView::selectPosition);
    connect(m_rows, &SpecRoundRows::roundClicked, this, [this](int round) {
        for (size_t i = 0; i < m_rounds.size(); ++i)
            if (m_rounds[i].round == round) Q_EMIT stepRequested(m_roundSteps[i]);
    });

    m_distribution = new CandidateChart;
    m_distribution->setObjectName(QStringLiteral("distributionChart"));
    m_positionLabel = new QLabel;
    m_positionLabel->setWordWrap(true);
    m_positionLabel->setTextFormat(Qt::PlainText);
    m_positionLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* position = new QWidget;
    auto* positionLayout = new QVBoxLayout(position);
    positionLayout->setContentsMargins(0, 0, 0, 0);
    positionLayout->addWidget(m_distribution, 1);
    positionLayout->addWidget(m_positionLabel);

    m_alphaChart = new RoundLineChart;
    m_alpha = m_alphaChart->addLine(kAlphaColour);
    m_rateChart = new RoundLineChart;
    m_measured = m_rateChart->addLine(kMeasuredColour);
    m_expected = m_rateChart->addLine(kExpectedColour, true);
    // the rounds across the top (a long draft needs the width); below, the chosen position's
    // distributions beside the run's two curves
    auto* charts = new QSplitter(Qt::Vertical);
    charts->addWidget(m_alphaChart);
    charts->addWidget(m_rateChart);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(position);
    bottom->addWidget(charts);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);
    bottom->setSizes({3, 2});
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_rowsView);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    // proportions: the splitter scales these to its height
    split->setSizes({1, 2});

    m_summaryLabel = new QLabel;
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* content = new QWidget;
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_explanation);
    contentLayout->addWidget(split, 1);
    contentLayout->addWidget(m_summaryLabel);

    m_pages = new QStackedWidget;
    m_pages->addWidget(m_message);
    m_pages->addWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    applyFont();
    retranslate();
}

QString SpeculativeView::title() const { return tr("Speculative sampling"); }

void SpeculativeView::retranslate() {
    m_alpha->setName(tr("α so far"));
    m_alphaChart->setTitles(tr("Acceptance rate α, round by round"), tr("round"),
                            tr("accepted / verified drafts"), tr("shown round"));
    m_measured->setName(tr("measured: tokens per round"));
    m_expected->setName(tr("expected: (1 − α^(γ+1)) / (1 − α)"));
    m_rateChart->setTitles(tr("Tokens per pass of the target model"), tr("round"), tr("tokens"), tr("shown round"));
    showRound();
}

void SpeculativeView::applyFont() {
    QFont large = font();
    if (large.pointSizeF() > 0)
        large.setPointSizeF(large.pointSizeF() * kSentenceScale);
    else
        large.setPixelSize(qRound(large.pixelSize() * kSentenceScale));
    m_explanation->setFont(large);
}

void SpeculativeView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_eventCount = static_cast<size_t>(-1);  // forces a rebuild
    m_current = -1;
    m_position = -1;
    showStep(0, false);
}

void SpeculativeView::refresh() {
    const size_t count = m_timeline ? m_timeline->events().size() : 0;
    if (count == m_eventCount) return;
    m_eventCount = count;
    m_rounds.clear();
    m_roundSteps.clear();
    m_soFar.clear();
    m_summary.reset();
    const dlab::RunEvent* run = m_timeline ? m_timeline->run() : nullptr;
    m_greedy = run && run->strategy == "greedy";
    if (m_timeline && m_timeline->speculative()) {
        for (int step = 1; step <= m_timeline->last_step(); ++step) {
            if (const dlab::SpecRoundEvent* round = m_timeline->spec_round_at(step)) {
                m_rounds.push_back(*round);
                m_roundSteps.push_back(step);
            }
        }
        if (const dlab::SpecSummaryEvent* summary = m_timeline->spec_summary()) m_summary = *summary;
    }
    // the run's tallies after each round, as the summary event counts them at the end
    int accepted = 0, rejected = 0, emitted = 0;
    std::map<int, int> roundsDrafting;  // drafts proposed → rounds so far that proposed that many
    for (size_t i = 0; i < m_rounds.size(); ++i) {
        const dlab::SpecRoundEvent& round = m_rounds[i];
        accepted += round.accepted;
        rejected += round.accepted < int(round.drafts.size()) ? 1 : 0;
        emitted += round.emitted;
        ++roundsDrafting[int(round.drafts.size())];
        SoFar s;
        s.alpha = accepted + rejected > 0 ? double(accepted) / (accepted + rejected) : 0.0;
        // every earlier round at today's α: grouped by draft count, so a long live run stays linear
        for (const auto& [drafts, rounds] : roundsDrafting) s.expected += rounds * expectedTokens(s.alpha, drafts);
        s.expected /= double(i + 1);
        s.measured = double(emitted) / double(i + 1);
        m_soFar.push_back(s);
    }
    rebuildCharts();
}

void SpeculativeView::rebuildCharts() {
    QList<QPointF> alpha, expected, measured;
    qreal top = 1;
    for (size_t i = 0; i < m_rounds.size(); ++i) {
        const int round = m_rounds[i].round;
        alpha.append(QPointF(round, m_soFar[i].alpha));
        expected.append(QPointF(round, m_soFar[i].expected));
        measured.append(QPointF(round, m_soFar[i].measured));
        top = std::max({top, m_soFar[i].expected, m_soFar[i].measured});
    }
    m_alpha->replace(alpha);
    m_expected->replace(expected);
    m_measured->replace(measured);
    const int lastRound = m_rounds.empty() ? 1 : m_rounds.back().round;
    m_alphaChart->setRanges(lastRound, 0, 1);
    m_rateChart->setRanges(lastRound, 0, std::ceil(top));
}

void SpeculativeView::showStep(int step, bool animate) {
    Q_UNUSED(animate)  // the rows and charts change at once; the sentence says what happened
    refresh();
    m_step = step;
    // the round under the cursor: the last one that ran at or before the step
    int current = -1;
    for (size_t i = 0; i < m_rounds.size() && m_roundSteps[i] <= step; ++i) current = int(i);
    if (current != m_current) m_position = -1;
    m_current = current;
    showRound();
}

void SpeculativeView::selectPosition(int position) {
    m_position = position;
    showRound();
}

void SpeculativeView::showRound() {
    if (!m_timeline || m_rounds.empty()) {
        m_message->setText(
            !m_timeline ? tr("No trace loaded.")
                        : tr("This trace has no speculative sampling: no round of drafting and verification was "
                             "recorded.\n\nTo get one, choose a drafter under Speculative sampling in the run panel "
                             "(with greedy search or sampling) and run, or record a trace with "
                             "“decodelab-cli generate --draft-model FILE --trace FILE.jsonl” (or “--draft ngram”, "
                             "or “--draft-table FILE” for a table model)."));
        m_pages->setCurrentIndex(0);
        return;
    }
    m_pages->setCurrentIndex(1);
    m_message->clear();
    m_rows->setFont(font());
    m_rows->setPalette(palette());
    m_summaryLabel->setText(summaryText());
    const int round = m_current >= 0 ? m_rounds[size_t(m_current)].round : 0;
    m_alphaChart->setMarker(round);
    m_rateChart->setMarker(round);
    if (m_current < 0) {
        m_explanation->setText(tr("Step %1 is the prompt's prefill; the first round of drafting and verification "
                                  "is step %2.")
                                   .arg(m_step)
                                   .arg(m_roundSteps.front()));
        m_rows->setRounds({}, -1, m_greedy);
        m_distribution->setTitle(QString());
        m_distribution->setBars({}, {}, {}, false);
        m_positionLabel->clear();
        return;
    }
    const dlab::SpecRoundEvent& r = m_rounds[size_t(m_current)];
    // the positions a cell stands for: every draft, and the bonus position after them
    const int n = int(r.drafts.size());
    const int last = r.token_kind == "bonus" ? n : std::max(0, n - 1);
    if (m_position < 0 || m_position > last) m_position = r.accepted;
    m_explanation->setText(SpecRoundText::round(r, m_greedy));
    m_rows->setRounds(std::vector<dlab::SpecRoundEvent>(m_rounds.begin(), m_rounds.begin() + m_current + 1),
                      m_position, m_greedy);
    const QRectF row = m_rows->currentRowRect();
    m_rowsView->ensureVisible(QRectF(row.left(), row.top(), 1, row.height()));
    showDistribution();
}

void SpeculativeView::showDistribution() {
    const dlab::SpecRoundEvent& r = m_rounds[size_t(m_current)];
    const int i = m_position;
    const int n = int(r.drafts.size());
    const bool hasQ = i < n;
    const bool hasResidual = i == r.accepted && r.token_kind == "resampled" && !r.residual.empty();
    std::vector<Bar> bars;
    const auto add = [&](const dlab::SpecCandidate& c) {
        for (const Bar& b : bars)
            if (b.token == c.token) return;
        bars.push_back({c.token, c.text, c.p, c.q, c.residual});
    };
    if (i <= r.accepted && i < int(r.positions.size())) {
        // a verified position: the leading candidates the trace recorded, then the residual's
        for (const dlab::SpecCandidate& c : r.positions[size_t(i)]) add(c);
        if (hasResidual)
            for (const dlab::SpecCandidate& c : r.residual) add(c);
    } else if (hasQ) {
        // after a rejection the target's p of the draft itself is all there is
        const dlab::DraftTokenRecord& d = r.drafts[size_t(i)];
        bars.push_back({d.token, d.text, d.p, d.q, 0});
    }

    QStringList categories;
    QSet<QString> seen;
    QList<int> highlighted;
    CandidateChart::Bars p{tr("p: target model"), {}}, q{tr("q: draft"), {}},
        residual{tr("residual norm(max(0, p − q))"), {}};
    for (const Bar& b : bars) {
        // the axis needs distinct names; two tokens can share a text
        QString label = SpecRoundText::tokenLabel(b.text);
        if (seen.contains(label)) label += QStringLiteral(" #%1").arg(b.token);
        seen.insert(label);
        if ((hasQ && b.token == r.drafts[size_t(i)].token) || (i == r.accepted && b.token == r.token))
            highlighted.append(int(categories.size()));
        categories.append(label);
        p.values.append(b.p);
        q.values.append(b.q);
        residual.values.append(b.residual);
    }
    QList<CandidateChart::Bars> sets{p};
    if (hasQ) sets.append(q);
    if (hasResidual) sets.append(residual);
    m_distribution->setTitle(hasQ ? tr("Round %1, position %2: the target model's p against the draft's q")
                                        .arg(r.round)
                                        .arg(i + 1)
                                  : tr("Round %1, position %2: the target model's p after every draft")
                                        .arg(r.round)
                                        .arg(i + 1));
    m_distribution->setBars(categories, sets, highlighted, false);

    QString text = hasQ ? SpecRoundText::draft(r, i, m_greedy) : QString();
    if (i == r.accepted) text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + SpecRoundText::token(r, m_greedy);
    m_positionLabel->setText(text);
}

QString SpeculativeView::summaryText() const {
    QString text;
    if (m_current >= 0) {
        const SoFar& s = m_soFar[size_t(m_current)];
        text = tr("After round %1 of %2: α = %3 · %4 tokens per target pass, theory %5.")
                   .arg(m_rounds[size_t(m_current)].round)
                   .arg(m_rounds.back().round)
                   .arg(number(s.alpha), number(s.measured), number(s.expected));
    }
    if (m_summary) {
        const QString run = tr("Whole run: %1 drafted, %2 accepted, α = %3, %4 tokens per target pass (theory %5), "
                               "%n target pass(es) saved against plain decoding.",
                               nullptr, m_summary->target_passes_saved)
                                .arg(m_summary->drafted)
                                .arg(m_summary->accepted)
                                .arg(number(m_summary->alpha), number(m_summary->tokens_per_target_pass),
                                     number(m_summary->expected_tokens_per_target_pass));
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) + run;
    }
    return text;
}

QString SpeculativeView::csv() const {
    if (m_rounds.empty()) return {};
    QString out = QStringLiteral(
        "round,step,gamma,drafted,accepted,rejected,token,text,kind,emitted,alpha_so_far,expected_tokens_per_pass,"
        "tokens_per_pass\n");
    for (size_t i = 0; i < m_rounds.size(); ++i) {
        const dlab::SpecRoundEvent& r = m_rounds[i];
        const int drafted = int(r.drafts.size());
        // joined, not arg()'d: a token's text may hold a "%1" of its own
        const QStringList row{QString::number(r.round),
                              QString::number(m_roundSteps[i]),
                              QString::number(r.gamma),
                              QString::number(drafted),
                              QString::number(r.accepted),
                              QString::number(r.accepted < drafted ? 1 : 0),
                              QString::number(r.token),
                              csvText(r.token_text),
                              QString::fromStdString(r.token_kind),
                              QString::number(r.emitted),
                              QString::number(m_soFar[i].alpha, 'g', 9),
                              QString::number(m_soFar[i].expected, 'g', 9),
                              QString::number(m_soFar[i].measured, 'g', 9)};
        out += row.join(QLatin1Char(',')) + QLatin1Char('\n');
    }
    return out;
}

void SpeculativeView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    } else if (event->type() == QEvent::FontChange) {
        applyFont();
        showRound();
    } else if (event->type() == QEvent::PaletteChange) {
        showRound();
    }
}
