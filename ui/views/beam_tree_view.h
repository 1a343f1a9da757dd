// The beam tree (集束搜索的树): one column per step, one node per token with its cumulative
// log-probability, an edge to the beam it continues. Beams that live on are drawn solid,
// candidates not taken and beams whose branch was pruned fade, finished hypotheses get a
// double border. Greedy and sampled runs are a single path with their runner-up
// candidates beside each step; contrastive search shows each candidate's confidence and
// degeneration penalty. Moving to the next step slides the new nodes out of their parents
// and fades the newly pruned branches; ctrl+wheel zooms, the context menu fits the tree.
#pragma once

#include <QPainterPath>
#include <QVector>

#include "step_view.h"
#include "views/beam_tree_layout.h"

class QGraphicsPathItem;
class QGraphicsScene;
class QGraphicsSimpleTextItem;
class QGraphicsView;
class QVariantAnimation;

class BeamTreeView : public StepView {
    Q_OBJECT

public:
    // QGraphicsItem::data keys on each node's box: its index in layout().nodes() and its
    // state name ("kept", "pruned" …) at the step shown.
    static constexpr int kNodeIndexKey = 0;
    static constexpr int kStateKey = 1;

    explicit BeamTreeView(QWidget* parent = nullptr);

    void setTimeline(const dlab::TraceTimeline* timeline) override;
    void showStep(int step, bool animate) override;
    QString title() const override;
    // One row per node shown: step,seq,token,text,logprob,score,state,prob,reason.
    QString csv() const override;

    const BeamTreeLayout& layout() const { return m_layout; }
    QGraphicsScene* scene() const { return m_scene; }
    QGraphicsView* graphicsView() const { return m_view; }
    int step() const { return m_step; }
    bool isAnimating() const;
    // Node `index`'s box (its text lines are child items); nullptr when out of range.
    QGraphicsPathItem* nodeItem(int index) const { return m_nodeItems.value(index); }

public Q_SLOTS:
    // Fits the steps shown into the view, and keeps fitting them as the steps advance.
    void fitToView();
    void zoomBy(qreal factor);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void rebuild(bool keepStates);
    void applyStep(int previous, bool animate);
    void animateTo(qreal t);  // 0: where the step's changes start, 1: where they end
    void fit();
    qreal targetOpacity(int index) const;
    void styleNode(int index, BeamTreeNode::State state);
    QStringList nodeLines(const BeamTreeNode& node) const;
    QString nodeToolTip(const BeamTreeNode& node) const;
    QPointF nodePos(int index) const;
    QPainterPath edgePath(QPointF from, QPointF to) const;
    void updateSceneRect();

    const dlab::TraceTimeline* m_timeline = nullptr;
    size_t m_builtEvents = 0;  // how many of the timeline's events the layout has seen
    BeamTreeLayout m_layout;
    QGraphicsView* m_view;
    QGraphicsScene* m_scene;
    QVariantAnimation* m_animation;
    QVector<QGraphicsPathItem*> m_nodeItems;      // [node]
    QVector<QGraphicsPathItem*> m_edgeItems;      // [node] the edge from its parent; nullptr at the root
    QVector<QGraphicsSimpleTextItem*> m_headers;  // [column]
    QVector<BeamTreeNode::State> m_states;        // [node] the state drawn
    QVector<int> m_entering;                      // nodes sliding in during the animation
    QVector<int> m_fading;                        // nodes whose branch was pruned by the step animated to
    int m_step = 0;
    bool m_autoFit = true;
    QSizeF m_nodeSize;  // from the font
    QSizeF m_pitch;     // column and row spacing
};
