// The plain-language account of a run: one sentence per step saying what the strategy did
// and why — which beams (集束) survive and on what cumulative log-probabilities, which token
// greedy search (贪心搜索) takes, what the sampler chain left to sample from, how contrastive
// search (对比搜索) traded confidence against the degeneration penalty, what a round of
// speculative sampling (投机采样) kept of its drafts — with the prompt and prefill (预填充阶段)
// at step 0 and the stop reason at the end. Built with tr() and arg() so that every sentence
// translates; the numbers come from the trace as they are.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <set>
#include <string>

#include "trace/trace_timeline.h"

class Narrator {
    Q_DECLARE_TR_FUNCTIONS(Narrator)

public:
    // `timeline` must outlive the narrator.
    explicit Narrator(const dlab::TraceTimeline& timeline);

    // The sentence for `step` (0: the prompt and prefill; the last step ends with the stop
    // reason once the run has finished); empty for a step the timeline does not have.
    QString sentence(int step) const;

    // Two decimals, a real minus sign, "−∞" for an impossible log-probability.
    static QString formatNumber(double value, int decimals = 2);
    // A probability: two decimals, or two significant digits below 0.01.
    static QString formatProbability(double p);
    // A token as it reads on screen: trimmed, "␣" for spaces alone, "<eos>" for an empty
    // end-of-sequence token.
    static QString tokenLabel(const std::string& text, bool eos);
    // A whole sequence's text in quotes, its start elided when long.
    static QString sequenceLabel(const std::string& text);
    // Why a candidate was not kept, in words ("beam_rank" → "ranked below the beams").
    static QString reasonText(const std::string& reason);
    // The prompt's tokens as they read on screen ("<bos>" for the vocabulary's BOS).
    static QStringList promptPieces(const dlab::RunEvent& run);
    // "a", "a and b", "a, b and c".
    static QString joinList(const QStringList& items);
    // Tokens known to end a sequence: the last token of every finished sequence and every
    // candidate ranked out as an EOS (the trace stores no EOS id).
    static std::set<int> eosTokens(const dlab::TraceTimeline& timeline);

private:
    QString promptSentence() const;
    QString prefillSentence() const;
    QString beamSentence(int step, const dlab::StepEvent& event) const;
    QString greedySentence(const dlab::StepEvent& event) const;
    QString sampleSentence(const dlab::StepEvent& event) const;
    QString contrastiveSentence(const dlab::StepEvent& event) const;
    QString stopSentence() const;
    QString strategyPhrase() const;

    const dlab::TraceTimeline& m_timeline;
    std::set<int> m_eos;
};
