#include "views/beam_tree_view.h"

#include <QAction>
#include <QEvent>
#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QPen>
#include <QVBoxLayout>
#include <QVariantAnimation>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "views/narrator.h"

namespace {

constexpr int kRunnerUps = 3;         // candidates not taken shown per sequence and step
constexpr qreal kFadedOpacity = 0.4;  // pruned candidates and dropped beams
constexpr int kAnimationMs = 450;
constexpr qreal kMaxFitScale = 1.5;  // a small tree is not blown up past this
constexpr qreal kMinFitScale = 0.6;  // below this a long run's text is unreadable: follow the step

bool faded(BeamTreeNode::State state) {
    return state == BeamTreeNode::State::Pruned || state == BeamTreeNode::State::Dropped;
}

QColor mix(const QColor& a, const QColor& b, qreal t) {
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

QString csvField(const QString& field) {
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')))
        return field;
    return QLatin1Char('"') + QString(field).replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
           QLatin1Char('"');
}

QString csvNumber(double value) {
    if (std::isinf(value)) return value < 0 ? QStringLiteral("-inf") : QStringLiteral("inf");
    return QString::number(value, 'g', 10);
}

QPainterPath roundedBox(const QRectF& rect, qreal radius) {
    QPainterPath path;
    path.addRoundedRect(rect, radius, radius);
    return path;
}

}  // namespace

BeamTreeView::BeamTreeView(QWidget* parent)
    : StepView(parent),
      m_view(new QGraphicsView(this)),
      m_scene(new QGraphicsScene(this)),
      m_animation(new QVariantAnimation(this)) {
    m_view->setScene(m_scene);
    m_view->setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_view->setDragMode(QGraphicsView::ScrollHandDrag);
    m_view->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    m_view->viewport()->installEventFilter(this);
    auto* box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    box->addWidget(m_view);

    // the context menu's actions, named by retranslate()
    const auto addAction = [this](const QKeySequence& keys, auto slot) {
        auto* action = new QAction(m_view);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        m_view->addAction(action);
    };
    addAction(QKeySequence(Qt::CTRL | Qt::Key_0), [this] { fitToView(); });
    addAction(QKeySequence::ZoomIn, [this] { zoomBy(1.25); });
    addAction(QKeySequence::ZoomOut, [this] { zoomBy(0.8); });
    addAction(QKeySequence(Qt::CTRL | Qt::Key_1), [this] {
        m_autoFit = false;
        m_view->resetTransform();
    });
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    retranslate();

    m_animation->setStartValue(0.0);
    m_animation->setEndValue(1.0);
    m_animation->setDuration(kAnimationMs);
    m_animation->setEasingCurve(QEasingCurve::OutCubic);
    connect(m_animation, &QVariantAnimation::valueChanged, this,
            [this](const QVariant& t) { animateTo(t.toReal()); });
}

QString BeamTreeView::title() const { return tr("Beam tree"); }

void BeamTreeView::retranslate() {
    const QStringList texts{tr("Fit to view"), tr("Zoom in"), tr("Zoom out"), tr("Actual size")};
    const QList<QAction*> actions = m_view->actions();
    for (qsizetype i = 0; i < actions.size() && i < texts.size(); ++i) actions[i]->setText(texts[i]);
}

bool BeamTreeView::isAnimating() const { return m_animation->state() == QAbstractAnimation::Running; }

void BeamTreeView::setTimeline(const dlab::TraceTimeline* timeline) {
    m_timeline = timeline;
    m_step = 0;
    rebuild(false);
    applyStep(0, false);
}

void BeamTreeView::showStep(int step, bool animate) {
    // a live run grows the timeline between steps: its new steps join the tree
    if (m_timeline && m_timeline->events().size() != m_builtEvents) rebuild(true);
    const int previous = m_step;
    m_step = std::clamp(step, 0, std::max(0, m_layout.columns() - 1));
    applyStep(previous, animate);
}

void BeamTreeView::rebuild(bool keepStates) {
    m_animation->stop();
    m_scene->clear();
    m_nodeItems.clear();
    m_edgeItems.clear();
    m_headers.clear();
    m_layout = m_timeline ? BeamTreeLayout(*m_timeline, kRunnerUps) : BeamTreeLayout();
    m_builtEvents = m_timeline ? m_timeline->events().size() : 0;
    // node indices only grow with a growing run, so the states drawn so far still apply
    m_states = keepStates ? m_states.mid(0, m_layout.nodes().size()) : QVector<BeamTreeNode::State>();
    const QVector<BeamTreeNode>& nodes = m_layout.nodes();
    if (nodes.isEmpty()) return;

    // sizes from the font, so that the tree scales with it and with the screen
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF fm(font());
    const QFontMetricsF fmBold(bold);
    const qreal pad = fm.height() * 0.35;
    // tokens and reasons may be elided, the numbers never
    qreal textWidth = 0;
    qreal numbersWidth = 0;
    QVector<QStringList> lines;
    for (const BeamTreeNode& node : nodes) {
        lines.push_back(nodeLines(node));
        const QStringList& l = lines.back();
        const bool prompt = node.kind == BeamTreeNode::Kind::Prompt;  // its tokens may be many
        textWidth =
            std::max({textWidth, fmBold.horizontalAdvance(l.value(0)), fm.horizontalAdvance(l.value(2)),
                      prompt ? fm.horizontalAdvance(l.value(1)) : 0.0});
        if (!prompt) numbersWidth = std::max(numbersWidth, fm.horizontalAdvance(l.value(1)));
    }
    textWidth = std::max(numbersWidth, std::clamp(textWidth, fm.horizontalAdvance(QStringLiteral("0000000")),
                                                  fm.averageCharWidth() * 16));
    m_nodeSize = QSizeF(textWidth + 2 * pad, 3 * fm.lineSpacing() + 2 * pad);
    m_pitch = QSizeF(m_nodeSize.width() + fm.averageCharWidth() * 4, m_nodeSize.height() + fm.height() * 0.6);

    for (int column = 0; column < m_layout.columns(); ++column) {
        auto* header = m_scene->addSimpleText(column == 0 ? tr("prompt") : tr("step %1").arg(column), bold);
        header->setPos(column * m_pitch.width(), -1.6 * fm.lineSpacing());
        m_headers.push_back(header);
    }
    const QRectF box(QPointF(0, 0), m_nodeSize);
    for (int i = 0; i < nodes.size(); ++i) {
        auto* item = m_scene->addPath(roundedBox(box, pad));
        item->setZValue(1);
        item->setPos(nodePos(i));
        item->setData(kNodeIndexKey, i);
        item->setToolTip(nodeToolTip(nodes[i]));
        // the finished hypothesis's second border, shown by styleNode
        auto* inner = new QGraphicsPathItem(
            roundedBox(box.adjusted(pad / 2, pad / 2, -pad / 2, -pad / 2), pad / 2), item);
        inner->setBrush(Qt::NoBrush);
        inner->setVisible(false);
        for (int k = 0; k < lines[i].size(); ++k) {
            const QFontMetricsF& metrics = k == 0 ? fmBold : fm;
            auto* text =
                new QGraphicsSimpleTextItem(metrics.elidedText(lines[i][k], Qt::ElideRight, textWidth), item);
            text->setFont(k == 0 ? bold : font());
            text->setPos(pad, pad + k * fm.lineSpacing());
        }
        m_nodeItems.push_back(item);

        QGraphicsPathItem* edge = nullptr;
        if (nodes[i].parent >= 0) {
            edge = m_scene->addPath(edgePath(nodePos(nodes[i].parent), nodePos(i)));
            edge->setZValue(0);
        }
        m_edgeItems.push_back(edge);
    }
}

QStringList BeamTreeView::nodeLines(const BeamTreeNode& node) const {
    const auto contrastive = [&] {
        return tr("conf %1 · pen %2")
            .arg(Narrator::formatNumber(*node.confidence),
                 Narrator::formatNumber(node.degenerationPenalty.value_or(0)));
    };
    const QString prob = node.prob < 0 ? QString() : Narrator::formatProbability(node.prob);
    switch (node.kind) {
        case BeamTreeNode::Kind::Prompt:
            return {node.label, node.reason};
        case BeamTreeNode::Kind::Sequence:
            return {node.label, tr("log p %1").arg(Narrator::formatNumber(node.logprob)),
                    node.confidence  ? contrastive()
                    : prob.isEmpty() ? QString()
                                     : tr("p %1").arg(prob)};
        case BeamTreeNode::Kind::Candidate:
            break;
    }
    if (node.confidence) return {node.label, contrastive(), node.reason};
    // sampling: the model's probability, then what the chain left of it
    const QString after = node.keptProb >= 0 && Narrator::formatProbability(node.keptProb) != prob
                              ? tr("p %1 → %2").arg(prob, Narrator::formatProbability(node.keptProb))
                              : tr("p %1").arg(prob);
    return {node.label, after, node.reason};
}

QString BeamTreeView::nodeToolTip(const BeamTreeNode& node) const {
    if (node.kind == BeamTreeNode::Kind::Prompt)
        return tr("Prompt: “%1”\nTokens: %2").arg(node.label, node.reason);
    QStringList lines;
    lines << tr("Step %1, sequence %2, token %3").arg(node.step).arg(node.seq).arg(node.token);
    lines << tr("Text: %1").arg(Narrator::sequenceLabel(node.text.toStdString()));
    lines << tr("Cumulative log-probability: %1").arg(Narrator::formatNumber(node.logprob, 4));
    lines << tr("Score: %1").arg(Narrator::formatNumber(node.score, 4));
    if (node.prob >= 0) lines << tr("Token probability: %1").arg(Narrator::formatProbability(node.prob));
    if (node.keptProb >= 0)
        lines << tr("After the sampler chain: %1").arg(Narrator::formatProbability(node.keptProb));
    if (node.confidence) lines << tr("Confidence: %1").arg(Narrator::formatNumber(*node.confidence, 3));
    if (node.degenerationPenalty)
        lines << tr("Degeneration penalty: %1").arg(Narrator::formatNumber(*node.degenerationPenalty, 3));
    if (node.finished) lines << tr("Finished");
    if (!node.reason.isEmpty()) lines << tr("Not taken: %1").arg(node.reason);
    return lines.join(QLatin1Char('\n'));
}

QPointF BeamTreeView::nodePos(int index) const {
    const BeamTreeNode& node = m_layout.nodes()[index];
    return {node.step * m_pitch.width(), node.row * m_pitch.height()};
}

QPainterPath BeamTreeView::edgePath(QPointF from, QPointF to) const {
    // from the parent's right side to the child's left side, level at both ends
    const QPointF a = from + QPointF(m_nodeSize.width(), m_nodeSize.height() / 2);
    const QPointF b = to + QPointF(0, m_nodeSize.height() / 2);
    const qreal middle = (a.x() + b.x()) / 2;
    QPainterPath path(a);
    path.cubicTo(QPointF(middle, a.y()), QPointF(middle, b.y()), b);
    return path;
}

qreal BeamTreeView::targetOpacity(int index) const {
    return faded(m_states.value(index)) ? kFadedOpacity : 1.0;
}

void BeamTreeView::styleNode(int index, BeamTreeNode::State state) {
    const QPalette& pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor accent = pal.color(QPalette::Highlight);
    const qreal width = std::max<qreal>(1.0, QFontMetricsF(font()).height() / 12);
    QBrush fill(mix(base, accent, 0.2));
    QPen border(accent, 1.5 * width);
    switch (state) {
        case BeamTreeNode::State::Prompt:
            fill = pal.color(QPalette::AlternateBase);
            border = QPen(text, width);
            break;
        case BeamTreeNode::State::Kept:
            break;
        case BeamTreeNode::State::Finished:
            border = QPen(text, width);
            break;
        case BeamTreeNode::State::Pruned:
            fill = base;
            border = QPen(text, width, Qt::DashLine);
            break;
        case BeamTreeNode::State::Dropped:
            fill = base;
            border = QPen(text, width);
            break;
    }
    QGraphicsPathItem* item = m_nodeItems[index];
    item->setBrush(fill);
    item->setPen(border);
    item->setData(kStateKey, BeamTreeLayout::stateName(state));
    for (QGraphicsItem* child : item->childItems()) {
        if (auto* label = dynamic_cast<QGraphicsSimpleTextItem*>(child)) label->setBrush(text);
        if (auto* inner = dynamic_cast<QGraphicsPathItem*>(child)) {
            inner->setPen(border);
            inner->setVisible(state == BeamTreeNode::State::Finished);
        }
    }
    if (QGraphicsPathItem* edge = m_edgeItems[index]) {
        const bool live = state == BeamTreeNode::State::Kept || state == BeamTreeNode::State::Finished;
        edge->setPen(QPen(live ? accent : text, live ? 1.5 * width : width,
                          state == BeamTreeNode::State::Pruned ? Qt::DashLine : Qt::SolidLine));
    }
}

void BeamTreeView::applyStep(int previous, bool animate) {
    m_animation->stop();
    const QVector<BeamTreeNode>& nodes = m_layout.nodes();
    const QVector<BeamTreeNode::State> before = m_states;
    m_states.resize(nodes.size());
    m_entering.clear();
    m_fading.clear();
    const bool adjacent = animate && m_step == previous + 1;
    for (int i = 0; i < nodes.size(); ++i) {
        const bool visible = nodes[i].step <= m_step;
        m_states[i] = m_layout.stateAt(i, m_step);
        styleNode(i, m_states[i]);
        QGraphicsPathItem* item = m_nodeItems[i];
        item->setVisible(visible);
        item->setPos(nodePos(i));
        item->setOpacity(targetOpacity(i));
        if (QGraphicsPathItem* edge = m_edgeItems[i]) {
            edge->setVisible(visible);
            edge->setPath(edgePath(nodePos(nodes[i].parent), nodePos(i)));
            edge->setOpacity(targetOpacity(i));
        }
        if (!adjacent || !visible) continue;
        if (nodes[i].step == m_step)
            m_entering.push_back(i);
        else if (i < before.size() && !faded(before[i]) && faded(m_states[i]))
            m_fading.push_back(i);
    }
    for (int column = 0; column < m_headers.size(); ++column) {
        m_headers[column]->setBrush(palette().color(QPalette::Text));
        m_headers[column]->setVisible(column <= m_step);
    }
    updateSceneRect();
    if (m_autoFit) fit();
    if (!m_entering.isEmpty() || !m_fading.isEmpty()) {
        animateTo(0.0);
        m_animation->start();
    }
}

void BeamTreeView::animateTo(qreal t) {
    const QVector<BeamTreeNode>& nodes = m_layout.nodes();
    for (int i : m_entering) {
        // out of the parent's row, from half a column back
        const QPointF end = nodePos(i);
        const QPointF start(end.x() - m_pitch.width() / 2, nodePos(nodes[i].parent).y());
        const QPointF at = start + (end - start) * t;
        m_nodeItems[i]->setPos(at);
        m_nodeItems[i]->setOpacity(t * targetOpacity(i));
        if (QGraphicsPathItem* edge = m_edgeItems[i]) {
            edge->setPath(edgePath(nodePos(nodes[i].parent), at));
            edge->setOpacity(t * targetOpacity(i));
        }
    }
    for (int i : m_fading) {
        const qreal opacity = 1.0 + (targetOpacity(i) - 1.0) * t;
        m_nodeItems[i]->setOpacity(opacity);
        if (QGraphicsPathItem* edge = m_edgeItems[i]) edge->setOpacity(opacity);
    }
}

void BeamTreeView::updateSceneRect() {
    // the steps shown, with a margin: the view fits and scrolls over what is there
    int rows = 1;
    for (const BeamTreeNode& node : m_layout.nodes())
        if (node.step <= m_step) rows = std::max(rows, node.row + 1);
    const qreal margin = QFontMetricsF(font()).height();
    const qreal top = -2 * QFontMetricsF(font()).lineSpacing();
    const qreal width = m_step * m_pitch.width() + m_nodeSize.width();
    const qreal height = (rows - 1) * m_pitch.height() + m_nodeSize.height() - top;
    m_scene->setSceneRect(QRectF(-margin, top - margin, width + 2 * margin, height + 2 * margin));
}

void BeamTreeView::fitToView() {
    m_autoFit = true;
    fit();
}

void BeamTreeView::fit() {
    m_view->fitInView(m_scene->sceneRect(), Qt::KeepAspectRatio);
    const qreal scale = m_view->transform().m11();
    if (scale > kMaxFitScale || scale < kMinFitScale) {
        const qreal bounded = std::clamp(scale, kMinFitScale, kMaxFitScale);
        m_view->setTransform(QTransform::fromScale(bounded, bounded));
        // too long to fit: keep the step shown in sight
        if (scale < kMinFitScale)
            m_view->ensureVisible(
                QRectF(m_step * m_pitch.width(), 0, m_nodeSize.width(), m_nodeSize.height()));
    }
}

void BeamTreeView::zoomBy(qreal factor) {
    m_autoFit = false;
    m_view->scale(factor, factor);
}

bool BeamTreeView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport()) {
        if (event->type() == QEvent::Wheel) {
            auto* wheel = static_cast<QWheelEvent*>(event);
            if (wheel->modifiers() & Qt::ControlModifier) {
                zoomBy(std::pow(2.0, wheel->angleDelta().y() / 480.0));  // a notch: ×1.19
                return true;
            }
        } else if (event->type() == QEvent::Resize && m_autoFit) {
            fit();
        }
    }
    return StepView::eventFilter(watched, event);
}

void BeamTreeView::changeEvent(QEvent* event) {
    StepView::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
    // the nodes' lines and the headers are words too
    if (event->type() == QEvent::FontChange || event->type() == QEvent::LanguageChange) {
        rebuild(true);
        applyStep(m_step, false);
    } else if (event->type() == QEvent::PaletteChange) {
        applyStep(m_step, false);
    }
}

QString BeamTreeView::csv() const {
    QStringList rows{QStringLiteral("step,seq,token,text,logprob,score,state,prob,reason")};
    for (int i : m_layout.visibleAt(m_step)) {
        const BeamTreeNode& node = m_layout.nodes()[i];
        rows << QStringList{QString::number(node.step),
                            QString::number(node.seq),
                            QString::number(node.token),
                            csvField(node.label),
                            csvNumber(node.logprob),
                            csvNumber(node.score),
                            BeamTreeLayout::stateName(m_layout.stateAt(i, m_step)),
                            node.prob < 0 ? QString() : csvNumber(node.prob),
                            csvField(node.reason)}
                    .join(QLatin1Char(','));
    }
    return rows.join(QLatin1Char('\n')) + QLatin1Char('\n');
}
