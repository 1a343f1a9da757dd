// The beam tree as data: one node per sequence per step (a beam, 集束, is a sequence), the
// prompt at the root, and beside each sequence its most probable runner-up candidates —
// the continuations the strategy did not take. Rows are fixed from the start, column by
// column, so that moving through the steps only shows, hides and fades nodes and nothing
// jumps. No painting here: BeamTreeView draws it, the tests read it.
#pragma once

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QVector>
#include <optional>
#include <set>

#include "trace/trace_timeline.h"

struct BeamTreeNode {
    enum class Kind { Prompt, Sequence, Candidate };
    // What a node is at the step shown: a beam on its way (kept), a finished hypothesis, a
    // candidate not taken (pruned) or a beam whose every continuation was pruned (dropped).
    enum class State { Prompt, Kept, Finished, Pruned, Dropped };

    Kind kind = Kind::Sequence;
    int step = 0;                     // the column: 0 for the prompt
    int seq = 0;                      // the sequence (a candidate: the sequence it would extend)
    int token = -1;                   // the token appended this step; -1 for the prompt
    QString label;                    // the token as it reads on screen (the prompt's text at the root)
    QString text;                     // the whole generated text up to this node
    double logprob = 0.0;             // cumulative log-probability (a candidate: had it been taken)
    double score = 0.0;               // the strategy's score (sequence: normalized; candidate: ranking)
    double prob = -1.0;               // the model's probability of the token; -1 when unknown
    double keptProb = -1.0;           // … after the sampler chain (sampling only); -1 when unknown
    QString reason;                   // a candidate's reason, in words (the prompt: its tokens)
    std::optional<float> confidence;  // contrastive search: p(v)
    std::optional<float> degenerationPenalty;  // contrastive search: max_j cos(h_v, h_j)
    bool finished = false;                     // a sequence that ended at this step
    int parent = -1;                           // index of the parent node; -1 for the root
    int row = 0;                               // vertical slot within the tree, from 0 at the top
};

class BeamTreeLayout {
    Q_DECLARE_TR_FUNCTIONS(BeamTreeLayout)

public:
    BeamTreeLayout() = default;
    // `runnerUps`: pruned candidates shown per sequence and step, most probable first.
    explicit BeamTreeLayout(const dlab::TraceTimeline& timeline, int runnerUps = 3);

    const QVector<BeamTreeNode>& nodes() const { return m_nodes; }
    int rows() const { return m_rows; }
    int columns() const { return m_columns; }

    // The nodes shown at `step` (those of steps ≤ step), in node order.
    QVector<int> visibleAt(int step) const;
    // What node `index` is when `step` is shown.
    BeamTreeNode::State stateAt(int index, int step) const;
    // A key that names the same node in every layout of the same run.
    QString key(int index) const;
    // "prompt", "kept", "finished", "pruned", "dropped".
    static QString stateName(BeamTreeNode::State state);

private:
    void addStep(int step, const dlab::StepEvent& event, QHash<int, int>& latest, const std::set<int>& eos);
    void assignRows();
    void computeReach();

    QVector<BeamTreeNode> m_nodes;
    QVector<int> m_reach;         // [node] the last step of a sequence descending from it
    QVector<int> m_finishedFrom;  // [node] the first step at which a descendant finished; INT_MAX if none
    int m_runnerUps = 3;
    int m_rows = 0;
    int m_columns = 0;
};
