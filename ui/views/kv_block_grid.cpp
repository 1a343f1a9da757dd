#include "views/kv_block_grid.h"

#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QParallelAnimationGroup>
#include <QSequentialAnimationGroup>
#include <QVariantAnimation>
#include <QtMath>
#include <algorithm>
#include <cmath>

namespace {

constexpr int kFlashMs = 700;       // one operation's highlight
constexpr int kMaxStaggerMs = 250;  // between the starts of consecutive operations
constexpr int kAllStartsMs = 1500;  // the last operation starts by then, however many there are

QGraphicsSimpleTextItem* textItem(QGraphicsItem* parent, QGraphicsScene* scene, const QString& text,
                                  const QFont& font, const QColor& color) {
    auto* item = new QGraphicsSimpleTextItem(text, parent);
    if (!parent) scene->addItem(item);
    item->setFont(font);
    item->setBrush(color);
    return item;
}

QFont smaller(QFont font) {
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * 0.8);
    else
        font.setPixelSize(std::max(1, int(font.pixelSize() * 0.8)));
    return font;
}

}  // namespace

KvBlockGrid::KvBlockGrid(QObject* parent) : QGraphicsScene(parent) {}

QColor KvBlockGrid::sequenceColor(int seq, const QPalette& palette) {
    // golden-angle hues: neighbouring ids (a beam and its fork) get far-apart colours
    const double hue = std::fmod(std::abs(seq) * 137.508, 360.0) / 360.0;
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    return QColor::fromHsvF(hue, dark ? 0.55 : 0.7, dark ? 0.95 : 0.8);
}

bool KvBlockGrid::animating() const {
    return m_animation && m_animation->state() == QAbstractAnimation::Running;
}

QGraphicsRectItem* KvBlockGrid::blockCell(int block) const {
    auto it = m_cells.find(block);
    return it == m_cells.end() ? nullptr : it->second;
}

QRectF KvBlockGrid::cellRect(int block) const {
    const int row = block / m_columns, column = block % m_columns;
    return QRectF(m_origin + QPointF(column * m_cell.width(), row * m_cell.height()), m_cell);
}

void KvBlockGrid::stopAnimation() {
    if (!m_animation) return;
    m_animation->stop();
    delete m_animation;
}

void KvBlockGrid::reset() {
    stopAnimation();
    clear();
    m_cells.clear();
}

void KvBlockGrid::setMessage(const QString& text) {
    reset();
    m_content = {};
    textItem(nullptr, this, text, font(), palette().color(QPalette::PlaceholderText))
        ->setData(kRoleKey, QStringLiteral("note"));
}

void KvBlockGrid::setContent(const KvGridContent& content) {
    reset();
    m_content = content;

    const QFontMetricsF fm(font());
    m_cell = QSizeF(std::max(fm.horizontalAdvance(QStringLiteral("000 ×00")), 2.4 * fm.height()),
                    2.4 * fm.height());
    m_columns = std::clamp(m_content.nCells, 1, kColumns);

    QString title;
    if (m_content.kind == QLatin1String("paged"))
        title = tr("Physical blocks: %1 of %2 slots each")
                    .arg(m_content.nCells + m_content.nHidden)
                    .arg(m_content.blockSize);
    else if (m_content.kind == QLatin1String("sliding"))
        title = tr("Sliding-window rings: one per sequence, %n slot(s) each", nullptr, m_content.blockSize);
    else
        title = tr("Contiguous regions: one per sequence, %n slot(s) each", nullptr, m_content.blockSize);
    QGraphicsSimpleTextItem* heading =
        textItem(nullptr, this, title, font(), palette().color(QPalette::Text));
    heading->setData(kRoleKey, QStringLiteral("note"));
    addPool(1.5 * fm.height());
}

void KvBlockGrid::addPool(qreal top) {
    const QFontMetricsF fm(font());
    m_origin = QPointF(0, top);
    for (int block = 0; block < m_content.nCells; ++block) addBlockCell(block, cellRect(block).topLeft());

    const int rows = (m_content.nCells + m_columns - 1) / m_columns;
    qreal below = m_origin.y() + rows * m_cell.height() + 0.5 * fm.height();
    const QColor text = palette().color(QPalette::Text);
    if (m_content.nHidden > 0) {
        auto* note =
            textItem(nullptr, this,
                     tr("+ %n more free block(s), unused in this run, not drawn", nullptr, m_content.nHidden),
                     smaller(font()), text);
        note->setPos(0, below);
        note->setData(kRoleKey, QStringLiteral("note"));
        below += fm.height();
    }
    auto* legend =
        textItem(nullptr, this,
                 tr("Colour: owning sequence · stripes: shared block · solid part: slots holding a "
                    "token · ×n: reference count"),
                 smaller(font()), palette().color(QPalette::PlaceholderText));
    legend->setPos(0, below);
    legend->setData(kRoleKey, QStringLiteral("note"));

    addTables(m_origin.x() + m_columns * m_cell.width() + 2 * fm.height(), top);
}

void KvBlockGrid::addBlockCell(int block, QPointF at) {
    const QPalette& pal = palette();
    const QFont small = smaller(font());
    const QFontMetricsF fm(small);
    auto* cell =
        addRect(QRectF(QPointF(), m_cell), QPen(pal.color(QPalette::Mid), 0), pal.color(QPalette::Base));
    cell->setPos(at);
    cell->setData(kRoleKey, QStringLiteral("block"));
    cell->setData(kBlockKey, block);
    m_cells[block] = cell;

    // owners: one stripe each, light for the reserved cell, solid up to its fill level
    std::vector<int> owners;
    for (const auto& [seq, table] : m_content.tables)
        if (std::find(table.begin(), table.end(), block) != table.end()) owners.push_back(seq);
    const auto filledIt = m_content.filled.find(block);
    const int filled = filledIt == m_content.filled.end() ? 0 : filledIt->second;
    const qreal level = m_content.blockSize > 0 ? std::min(1.0, double(filled) / m_content.blockSize) : 0.0;
    const qreal stripe = m_cell.width() / std::max<size_t>(1, owners.size());
    for (size_t k = 0; k < owners.size(); ++k) {
        QColor light = sequenceColor(owners[k], pal);
        light.setAlphaF(0.35);
        auto* band = new QGraphicsRectItem(QRectF(k * stripe, 0, stripe, m_cell.height()), cell);
        band->setPen(Qt::NoPen);
        band->setBrush(light);
        band->setData(kRoleKey, QStringLiteral("owner"));
        band->setData(kSeqKey, owners[k]);
        auto* fill = new QGraphicsRectItem(
            QRectF(k * stripe, m_cell.height() * (1 - level), stripe, m_cell.height() * level), cell);
        fill->setPen(Qt::NoPen);
        fill->setBrush(sequenceColor(owners[k], pal));
        fill->setData(kRoleKey, QStringLiteral("fill"));
        fill->setData(kSeqKey, owners[k]);
    }

    auto* id = textItem(cell, this, QString::number(block), small, pal.color(QPalette::Text));
    id->setPos(0.1 * fm.height(), 0);
    const auto refIt = m_content.refCounts.find(block);
    const int refs = refIt == m_content.refCounts.end() ? 0 : refIt->second;
    if (refs > 1) {
        auto* badge = textItem(cell, this, tr("×%1").arg(refs), small, pal.color(QPalette::HighlightedText));
        const QRectF box = badge->boundingRect().adjusted(-0.15 * fm.height(), 0, 0.15 * fm.height(), 0);
        badge->setPos(m_cell.width() - box.width(), 0);
        auto* back = new QGraphicsRectItem(box, cell);
        back->setPos(badge->pos());
        back->setPen(Qt::NoPen);
        back->setBrush(pal.color(QPalette::Highlight));
        badge->setZValue(1);
        badge->setData(kRoleKey, QStringLiteral("badge"));
        badge->setData(kBlockKey, block);
    }

    QStringList ownerNames;
    for (int seq : owners) ownerNames << QString::number(seq);
    cell->setToolTip(owners.empty()
                         ? tr("Block %1: free").arg(block)
                         : tr("Block %1: sequence(s) %2 · %3 of %4 slots hold a token · reference count %5")
                               .arg(block)
                               .arg(ownerNames.join(QStringLiteral(", ")))
                               .arg(filled)
                               .arg(m_content.blockSize)
                               .arg(refs));
}

void KvBlockGrid::addTables(qreal left, qreal top) {
    const QPalette& pal = palette();
    const QFontMetricsF fm(font());
    const QFont small = smaller(font());
    const QSizeF entry(m_cell.width() * 0.75, fm.height() * 1.4);
    auto* heading =
        textItem(nullptr, this, tr("Block tables (logical → physical)"), font(), pal.color(QPalette::Text));
    heading->setPos(left, 0);
    heading->setData(kRoleKey, QStringLiteral("note"));

    qreal labelWidth = 0;
    for (const auto& [seq, table] : m_content.tables) {
        const auto len = m_content.lengths.find(seq);
        const QString label =
            tr("seq %1 · %n token(s)", nullptr, len == m_content.lengths.end() ? 0 : len->second).arg(seq);
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(label));
    }
    const qreal entriesLeft = left + fm.height() + labelWidth + fm.height();
    qreal y = top;
    for (const auto& [seq, table] : m_content.tables) {
        const QColor color = sequenceColor(seq, pal);
        auto* swatch = addRect(QRectF(0, 0, 0.8 * fm.height(), 0.8 * fm.height()), Qt::NoPen, color);
        swatch->setPos(left, y + 0.3 * fm.height());
        const auto len = m_content.lengths.find(seq);
        auto* label = textItem(
            nullptr, this,
            tr("seq %1 · %n token(s)", nullptr, len == m_content.lengths.end() ? 0 : len->second).arg(seq),
            font(), pal.color(QPalette::Text));
        label->setPos(left + fm.height(), y + 0.2 * fm.height());
        label->setData(kRoleKey, QStringLiteral("table"));
        label->setData(kSeqKey, seq);
        for (size_t i = 0; i < table.size(); ++i) {
            QColor light = color;
            light.setAlphaF(0.35);
            auto* box = addRect(QRectF(QPointF(), entry), QPen(color, 0), light);
            box->setPos(entriesLeft + i * entry.width(), y);
            box->setData(kRoleKey, QStringLiteral("entry"));
            box->setData(kSeqKey, seq);
            box->setData(kIndexKey, int(i));
            box->setData(kBlockKey, table[i]);
            box->setToolTip(
                tr("Sequence %1, logical block %2 → physical block %3").arg(seq).arg(i).arg(table[i]));
            auto* id = textItem(box, this, QString::number(table[i]), small, pal.color(QPalette::Text));
            id->setPos((entry.width() - id->boundingRect().width()) / 2,
                       (entry.height() - id->boundingRect().height()) / 2);
        }
        y += entry.height() + 0.3 * fm.height();
    }
    if (m_content.tables.empty()) {
        auto* none = textItem(nullptr, this, tr("No sequence holds cache."), font(),
                              pal.color(QPalette::PlaceholderText));
        none->setPos(left, y);
        none->setData(kRoleKey, QStringLiteral("note"));
    }
}

QAbstractAnimation* KvBlockGrid::operationAnimation(const dlab::KvEvent& op, int delay) {
    const QPalette& pal = palette();
    const QColor highlight = pal.color(QPalette::Highlight);
    const QColor own = sequenceColor(op.seq, pal);
    std::vector<QGraphicsItem*> overlays;  // shown while the operation plays
    bool fade = false;                     // fades out (free, truncate, evict) instead of flashing
    auto overlay = [&](int block, const QColor& fill, qreal fraction = 1.0) {
        if (block < 0 || block >= m_content.nCells) return;
        QRectF r = cellRect(block);
        r.setTop(r.bottom() - r.height() * fraction);
        auto* item = addRect(r, QPen(highlight, 0.25 * QFontMetricsF(font()).height()), fill);
        item->setZValue(10);
        item->setOpacity(0);
        overlays.push_back(item);
    };

    if (op.op == "cow" && op.blocks.size() == 2) {
        overlay(op.blocks[0], Qt::transparent);
        overlay(op.blocks[1], own);
        if (op.blocks[0] < m_content.nCells && op.blocks[1] < m_content.nCells) {
            const QPointF from = cellRect(op.blocks[0]).center(), to = cellRect(op.blocks[1]).center();
            const qreal head = 0.5 * QFontMetricsF(font()).height();
            QPainterPath path(from);
            path.lineTo(to);
            QLineF back = QLineF(to, from);
            back.setLength(head);
            for (qreal turn : {30.0, -30.0}) {
                QLineF wing = back;
                wing.setAngle(back.angle() + turn);
                path.moveTo(to);
                path.lineTo(wing.p2());
            }
            auto* arrow = addPath(path, QPen(highlight, 0.4 * head, Qt::SolidLine, Qt::RoundCap));
            arrow->setZValue(11);
            arrow->setOpacity(0);
            arrow->setToolTip(tr("copy-on-write: block %1 → %2").arg(op.blocks[0]).arg(op.blocks[1]));
            overlays.push_back(arrow);
        }
    } else if (op.op == "alloc" || op.op == "prefix_hit") {
        for (int block : op.blocks) overlay(block, own);
    } else if (op.op == "fork") {
        for (int block : op.blocks) overlay(block, sequenceColor(op.other_seq, pal));
    } else if (op.op == "free" || op.op == "truncate" || op.op == "preempt") {
        fade = true;
        for (int block : op.blocks) overlay(block, own);
    } else if (op.op == "evict") {
        fade = true;
        const qreal fraction =
            m_content.blockSize > 0 ? std::min(1.0, double(op.n_pos) / m_content.blockSize) : 1.0;
        for (int block : op.blocks) overlay(block, pal.color(QPalette::Disabled, QPalette::Text), fraction);
    }
    if (overlays.empty()) return nullptr;

    auto* progress = new QVariantAnimation;
    progress->setStartValue(0.0);
    progress->setEndValue(1.0);
    progress->setDuration(kFlashMs);
    connect(progress, &QVariantAnimation::valueChanged, this, [overlays, fade](const QVariant& value) {
        const double t = value.toDouble();
        const double opacity = fade ? 1.0 - t : std::sin(M_PI * t);
        for (QGraphicsItem* item : overlays) item->setOpacity(opacity);
    });
    auto* sequence = new QSequentialAnimationGroup;
    sequence->addPause(delay);
    sequence->addAnimation(progress);
    return sequence;
}

void KvBlockGrid::animate(const std::vector<dlab::KvEvent>& operations) {
    stopAnimation();
    auto* group = new QParallelAnimationGroup(this);
    const int stagger =
        operations.empty() ? 0 : std::min<int>(kMaxStaggerMs, kAllStartsMs / int(operations.size()));
    int delay = 0;
    for (const dlab::KvEvent& op : operations)
        if (QAbstractAnimation* a = operationAnimation(op, delay)) {
            group->addAnimation(a);
            delay += stagger;
        }
    m_animation = group;
    group->start(QAbstractAnimation::DeleteWhenStopped);
}
