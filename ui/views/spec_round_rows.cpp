#include "views/spec_round_rows.h"

#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSceneMouseEvent>
#include <QCursor>
#include <QGraphicsSimpleTextItem>
#include <algorithm>

#include "views/spec_round_text.h"

namespace {

// Okabe and Ito's colour-blind-safe colours: green and vermillion tell accepted from
// rejected for every reader; blue and orange mark the two ways a round ends.
const QColor kAccepted(0x00, 0x9e, 0x73);
const QColor kRejected(0xd5, 0x5e, 0x00);
const QColor kResampled(0x00, 0x72, 0xb2);
const QColor kBonus(0xe6, 0x9f, 0x00);

constexpr qreal kGap = 4;         // between cells
constexpr qreal kTokenGap = 28;   // before the round's token, room for the arrow
constexpr qreal kRowGap = 6;      // between rows
constexpr qreal kMinCellChars = 3;

QGraphicsSimpleTextItem* textItem(QGraphicsItem* parent, QGraphicsScene* scene, const QString& text,
                                  const QFont& font, const QColor& color) {
    auto* item = new QGraphicsSimpleTextItem(text, parent);
    if (!parent) scene->addItem(item);
    item->setFont(font);
    item->setBrush(color);
    return item;
}

// Black or white, whichever reads better on `fill`.
QColor textOn(const QColor& fill) { return fill.lightness() > 140 ? Qt::black : Qt::white; }

QString label(const std::string& text) { return SpecRoundText::tokenLabel(text); }

}  // namespace

SpecRoundRows::SpecRoundRows(QObject* parent) : QGraphicsScene(parent) {}

QColor SpecRoundRows::outcomeColor(const QString& outcome, const QPalette& palette) {
    if (outcome == QLatin1String("accepted")) return kAccepted;
    if (outcome == QLatin1String("rejected")) return kRejected;
    if (outcome == QLatin1String("resampled")) return kResampled;
    if (outcome == QLatin1String("bonus")) return kBonus;
    // not verified: drawn but never judged, so it recedes into the background
    return palette.color(QPalette::Mid);
}

void SpecRoundRows::setMessage(const QString& text) {
    clear();
    m_currentRow = {};
    m_currentRound = 0;
    textItem(nullptr, this, text, font(), palette().color(QPalette::PlaceholderText))
        ->setData(kRoleKey, QStringLiteral("note"));
    setSceneRect(itemsBoundingRect());
}

void SpecRoundRows::setRounds(const std::vector<dlab::SpecRoundEvent>& rounds, int selectedPosition, bool greedy) {
    clear();
    m_currentRow = {};
    m_currentRound = rounds.empty() ? 0 : rounds.back().round;
    const qreal lineHeight = QFontMetricsF(font()).height();
    addLegend(0);
    qreal top = lineHeight * 2;
    for (size_t i = 0; i < rounds.size(); ++i) {
        const bool current = i + 1 == rounds.size();
        top = addRow(rounds[i], top, current, current ? selectedPosition : -1, greedy) + kRowGap;
    }
    setSceneRect(itemsBoundingRect().adjusted(0, 0, kGap, kGap));
}

void SpecRoundRows::addLegend(qreal top) {
    const QFontMetricsF metrics(font());
    const qreal side = metrics.height() * 0.8;
    const QString names[][2] = {{QStringLiteral("accepted"), tr("accepted")},
                                {QStringLiteral("rejected"), tr("rejected")},
                                {QStringLiteral("unverified"), tr("not verified")},
                                {QStringLiteral("resampled"), tr("resampled")},
                                {QStringLiteral("bonus"), tr("bonus token")}};
    qreal x = 0;
    for (const auto& [outcome, name] : names) {
        auto* swatch = addRect(QRectF(x, top + (metrics.height() - side) / 2, side, side), Qt::NoPen,
                               outcomeColor(outcome, palette()));
        swatch->setData(kRoleKey, QStringLiteral("legend"));
        swatch->setData(kOutcomeKey, outcome);
        x += side + kGap;
        auto* text = textItem(nullptr, this, name, font(), palette().color(QPalette::Text));
        text->setPos(x, top);
        text->setData(kRoleKey, QStringLiteral("legend"));
        x += metrics.horizontalAdvance(name) + 3 * kGap;
    }
}

qreal SpecRoundRows::addRow(const dlab::SpecRoundEvent& round, qreal top, bool current, int selectedPosition,
                            bool greedy) {
    const QFontMetricsF metrics(font());
    const qreal height = metrics.height() * 1.6;
    const qreal minWidth = metrics.averageCharWidth() * kMinCellChars;
    const QColor text = palette().color(QPalette::Text);

    // the label column is as wide as the widest label could be, so the cells line up
    const QString roundLabel = tr("Round %1 · γ = %2").arg(round.round).arg(round.gamma);
    const qreal labelWidth = metrics.horizontalAdvance(tr("Round %1 · γ = %2").arg(999).arg(64)) + 2 * kGap;
    auto* name = textItem(nullptr, this, roundLabel, font(), text);
    name->setPos(0, top + (height - metrics.height()) / 2);
    name->setData(kRoleKey, QStringLiteral("label"));
    name->setData(kRoundKey, round.round);

    const auto addCell = [&](qreal x, const QString& shown, const QString& role, int position, const QString& outcome,
                             const QString& tip) {
        const qreal width = std::max(minWidth, metrics.horizontalAdvance(shown) + 4 * kGap);
        const QColor fill = outcomeColor(outcome, palette());
        QPen pen(fill.darker(130));
        if (outcome == QLatin1String("unverified")) pen.setStyle(Qt::DashLine);
        // a rejected draft and its replacement fill the same position: both are outlined
        if (position == selectedPosition) pen = QPen(palette().color(QPalette::Highlight), 3);
        auto* cell = addRect(QRectF(x, top, width, height), pen, fill);
        cell->setData(kRoleKey, role);
        cell->setData(kRoundKey, round.round);
        cell->setData(kPositionKey, position);
        cell->setData(kOutcomeKey, outcome);
        cell->setToolTip(tip);
        // a cell of the shown round picks its position, one of an earlier round jumps there
        cell->setCursor(Qt::PointingHandCursor);
        auto* word = textItem(cell, this, shown, font(), textOn(fill));
        word->setPos(x + (width - metrics.horizontalAdvance(shown)) / 2, top + (height - metrics.height()) / 2);
        if (outcome == QLatin1String("rejected")) {
            // struck through: the target model refused this token
            QFont struck = font();
            struck.setStrikeOut(true);
            word->setFont(struck);
        }
        return x + width;
    };

    qreal x = labelWidth;
    for (size_t i = 0; i < round.drafts.size(); ++i) {
        const dlab::DraftTokenRecord& draft = round.drafts[i];
        x = addCell(x, label(draft.text), QStringLiteral("draft"), int(i), QString::fromStdString(draft.outcome),
                    SpecRoundText::draft(round, int(i), greedy)) +
            kGap;
    }
    if (round.drafts.empty()) {
        auto* none = textItem(nullptr, this, tr("(no draft)"), font(), palette().color(QPalette::PlaceholderText));
        none->setPos(x, top + (height - metrics.height()) / 2);
        none->setData(kRoleKey, QStringLiteral("label"));
        x += metrics.horizontalAdvance(none->text()) + kGap;
    }
    // the arrow: the round ends with the target model's own token
    auto* arrow = textItem(nullptr, this, QStringLiteral("→"), font(), text);
    arrow->setPos(x + (kTokenGap - kGap - metrics.horizontalAdvance(arrow->text())) / 2,
                  top + (height - metrics.height()) / 2);
    arrow->setData(kRoleKey, QStringLiteral("label"));
    x += kTokenGap;
    const qreal right = addCell(x, label(round.token_text), QStringLiteral("token"), round.accepted,
                                QString::fromStdString(round.token_kind), SpecRoundText::token(round, greedy));

    if (current) {
        // behind the row, full width of what is drawn so far
        m_currentRow = QRectF(-kGap, top - kGap / 2, right + 2 * kGap, height + kGap);
        auto* band = addRect(m_currentRow, Qt::NoPen, [&] {
            QColor c = palette().color(QPalette::Highlight);
            c.setAlpha(60);
            return c;
        }());
        band->setZValue(-1);
        band->setData(kRoleKey, QStringLiteral("current"));
        band->setData(kRoundKey, round.round);
    }
    return top + height;
}

QGraphicsItem* SpecRoundRows::cell(int round, const QString& role, int position) const {
    for (QGraphicsItem* item : items())
        if (item->data(kRoleKey).toString() == role && item->data(kRoundKey).toInt() == round &&
            item->data(kPositionKey).toInt() == position)
            return item;
    return nullptr;
}

void SpecRoundRows::mousePressEvent(QGraphicsSceneMouseEvent* event) {
    for (QGraphicsItem* item : items(event->scenePos())) {
        // the word inside a cell stands for its cell
        if (item->parentItem()) item = item->parentItem();
        const QString role = item->data(kRoleKey).toString();
        const int round = item->data(kRoundKey).toInt();
        if (round <= 0) continue;
        if (round != m_currentRound)
            Q_EMIT roundClicked(round);
        else if (role == QLatin1String("draft") || role == QLatin1String("token"))
            Q_EMIT positionClicked(item->data(kPositionKey).toInt());
        else
            continue;
        event->accept();
        return;
    }
    QGraphicsScene::mousePressEvent(event);
}
