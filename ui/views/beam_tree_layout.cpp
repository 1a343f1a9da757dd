#include "views/beam_tree_layout.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "views/narrator.h"

using dlab::CandidateRecord;
using dlab::SequenceRecord;
using dlab::StepEvent;

namespace {

double probability(const CandidateRecord& c) { return c.probs.empty() ? -1.0 : c.probs.front(); }

}  // namespace

BeamTreeLayout::BeamTreeLayout(const dlab::TraceTimeline& timeline, int runnerUps) : m_runnerUps(runnerUps) {
    const dlab::RunEvent* run = timeline.run();
    if (!run) return;
    BeamTreeNode root;
    root.kind = BeamTreeNode::Kind::Prompt;
    root.seq = 0;
    root.label = QString::fromStdString(run->prompt);
    root.reason = Narrator::promptPieces(*run).join(QStringLiteral(" · "));
    m_nodes.push_back(root);

    // sequence id → its latest node; a sequence no step has shown yet continues the prompt
    QHash<int, int> latest;
    const std::set<int> eos = Narrator::eosTokens(timeline);
    for (int step = 1; step <= timeline.last_step(); ++step)
        if (const StepEvent* event = timeline.step_event(step)) addStep(step, *event, latest, eos);
    for (const BeamTreeNode& node : m_nodes) m_columns = std::max(m_columns, node.step + 1);
    assignRows();
    computeReach();
}

void BeamTreeLayout::addStep(int step, const StepEvent& event, QHash<int, int>& latest,
                             const std::set<int>& eos) {
    // the candidates that became sequences are drawn as those sequences
    std::vector<bool> taken(event.candidates.size(), false);
    QHash<int, int> next = latest;
    for (const SequenceRecord& s : event.sequences) {
        const int from = s.parent >= 0 ? s.parent : s.id;
        BeamTreeNode node;
        node.kind = BeamTreeNode::Kind::Sequence;
        node.step = step;
        node.seq = s.id;
        node.token = s.tokens.empty() ? -1 : s.tokens.back();
        node.parent = latest.value(from, 0);
        node.text = QString::fromStdString(s.text);
        node.logprob = s.logprob;
        node.score = s.score;
        node.finished = s.finished;
        const bool isEos = eos.count(node.token) > 0;
        const CandidateRecord* match = nullptr;
        for (size_t i = 0; i < event.candidates.size(); ++i) {
            const CandidateRecord& c = event.candidates[i];
            if (c.seq != from || c.token != node.token) continue;
            taken[i] = true;
            if (!match || c.chosen) match = &c;
        }
        if (match) {
            node.label = Narrator::tokenLabel(match->text, isEos);
            node.prob = probability(*match);
            if (!event.stages.empty() && !match->probs.empty()) node.keptProb = match->probs.back();
            node.confidence = match->confidence;
            node.degenerationPenalty = match->degeneration_penalty;
        } else {
            // no candidate recorded for it: what it adds to its parent's text
            const QString& before = m_nodes[node.parent].text;
            node.label = node.text.startsWith(before)
                             ? Narrator::tokenLabel(node.text.mid(before.size()).toStdString(), isEos)
                             : tr("#%1").arg(node.token);
        }
        next[s.id] = static_cast<int>(m_nodes.size());
        m_nodes.push_back(node);
    }

    // beside each sequence, its most probable continuations not taken
    std::map<int, std::vector<const CandidateRecord*>> runnerUps;  // sequence → candidates
    for (size_t i = 0; i < event.candidates.size(); ++i)
        if (!taken[i] && probability(event.candidates[i]) > 0.0)
            runnerUps[event.candidates[i].seq].push_back(&event.candidates[i]);
    for (auto& [seq, candidates] : runnerUps) {
        std::stable_sort(candidates.begin(), candidates.end(),
                         [](const CandidateRecord* a, const CandidateRecord* b) {
                             return probability(*a) > probability(*b);
                         });
        if (static_cast<int>(candidates.size()) > m_runnerUps) candidates.resize(m_runnerUps);
        const int parent = latest.value(seq, 0);
        for (const CandidateRecord* c : candidates) {
            BeamTreeNode node;
            node.kind = BeamTreeNode::Kind::Candidate;
            node.step = step;
            node.seq = seq;
            node.token = c->token;
            node.parent = parent;
            node.label = Narrator::tokenLabel(c->text, eos.count(c->token) > 0);
            node.text = m_nodes[parent].text + QString::fromStdString(c->text);
            node.prob = probability(*c);
            node.logprob = m_nodes[parent].logprob + std::log(node.prob);
            node.score = c->score;
            if (!event.stages.empty() && !c->probs.empty()) node.keptProb = c->probs.back();
            // survived the chain but another token was drawn
            node.reason = c->reason.empty() ? tr("not sampled") : Narrator::reasonText(c->reason);
            node.confidence = c->confidence;
            node.degenerationPenalty = c->degeneration_penalty;
            m_nodes.push_back(node);
        }
    }
    latest = next;
}

void BeamTreeLayout::assignRows() {
    // column by column: children in their parent's row order, sequences before the
    // candidates not taken, each as close below its parent's row as the column allows
    std::vector<std::vector<int>> columns(m_columns);
    for (int i = 0; i < m_nodes.size(); ++i) columns[m_nodes[i].step].push_back(i);
    for (std::vector<int>& column : columns) {
        std::stable_sort(column.begin(), column.end(), [this](int a, int b) {
            const BeamTreeNode& x = m_nodes[a];
            const BeamTreeNode& y = m_nodes[b];
            const int rx = x.parent >= 0 ? m_nodes[x.parent].row : 0;
            const int ry = y.parent >= 0 ? m_nodes[y.parent].row : 0;
            if (rx != ry) return rx < ry;
            if (x.parent != y.parent) return x.parent < y.parent;
            if (x.kind != y.kind) return x.kind == BeamTreeNode::Kind::Sequence;
            if (x.kind == BeamTreeNode::Kind::Sequence) return x.score > y.score;
            return x.prob > y.prob;
        });
        int row = -1;
        for (int i : column) {
            const int wanted = m_nodes[i].parent >= 0 ? m_nodes[m_nodes[i].parent].row : 0;
            row = std::max(wanted, row + 1);
            m_nodes[i].row = row;
            m_rows = std::max(m_rows, row + 1);
        }
    }
}

void BeamTreeLayout::computeReach() {
    m_reach.fill(-1, m_nodes.size());
    m_finishedFrom.fill(INT_MAX, m_nodes.size());
    // children come after their parents, so one backward pass carries everything up
    for (int i = static_cast<int>(m_nodes.size()) - 1; i >= 0; --i) {
        const BeamTreeNode& node = m_nodes[i];
        if (node.kind != BeamTreeNode::Kind::Candidate) m_reach[i] = std::max(m_reach[i], node.step);
        if (node.finished) m_finishedFrom[i] = std::min(m_finishedFrom[i], node.step);
        if (node.parent < 0) continue;
        m_reach[node.parent] = std::max(m_reach[node.parent], m_reach[i]);
        m_finishedFrom[node.parent] = std::min(m_finishedFrom[node.parent], m_finishedFrom[i]);
    }
}

QVector<int> BeamTreeLayout::visibleAt(int step) const {
    QVector<int> shown;
    for (int i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].step <= step) shown.push_back(i);
    return shown;
}

BeamTreeNode::State BeamTreeLayout::stateAt(int index, int step) const {
    const BeamTreeNode& node = m_nodes[index];
    switch (node.kind) {
        case BeamTreeNode::Kind::Prompt:
            return BeamTreeNode::State::Prompt;
        case BeamTreeNode::Kind::Candidate:
            return BeamTreeNode::State::Pruned;
        case BeamTreeNode::Kind::Sequence:
            break;
    }
    if (node.finished) return BeamTreeNode::State::Finished;
    // alive while something descending from it is shown at `step` or has finished by then
    const bool alive = node.step >= step || m_reach[index] >= step || m_finishedFrom[index] <= step;
    return alive ? BeamTreeNode::State::Kept : BeamTreeNode::State::Dropped;
}

QString BeamTreeLayout::key(int index) const {
    const BeamTreeNode& node = m_nodes[index];
    switch (node.kind) {
        case BeamTreeNode::Kind::Prompt:
            return QStringLiteral("p");
        case BeamTreeNode::Kind::Sequence:
            return QStringLiteral("s:%1:%2").arg(node.step).arg(node.seq);
        case BeamTreeNode::Kind::Candidate:
            break;
    }
    return QStringLiteral("c:%1:%2:%3").arg(node.step).arg(node.seq).arg(node.token);
}

QString BeamTreeLayout::stateName(BeamTreeNode::State state) {
    switch (state) {
        case BeamTreeNode::State::Prompt:
            return QStringLiteral("prompt");
        case BeamTreeNode::State::Kept:
            return QStringLiteral("kept");
        case BeamTreeNode::State::Finished:
            return QStringLiteral("finished");
        case BeamTreeNode::State::Pruned:
            return QStringLiteral("pruned");
        case BeamTreeNode::State::Dropped:
            break;
    }
    return QStringLiteral("dropped");
}
