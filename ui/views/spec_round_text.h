// Speculative sampling (投机采样) in sentences: what a round did — how many tokens the
// drafter proposed, how many the target model accepted (接受), where it rejected (拒绝) and
// what it resampled (重新采样) from the residual distribution (残差分布) — and why one draft
// stood or fell, with its q, p and uniform draw r. Built with tr() and arg() so that every
// sentence translates; the numbers are the trace's.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <string>

#include "trace/speculative_events.h"

class SpecRoundText {
    Q_DECLARE_TR_FUNCTIONS(SpecRoundText)

public:
    // The round in one or two sentences. `greedy`: the target accepts a draft when it is its
    // most probable token, and that token replaces a rejected one.
    static QString round(const dlab::SpecRoundEvent& round, bool greedy);
    // Draft `position` (0-based) of the round: its q and p and why it stood, fell or was
    // never judged.
    static QString draft(const dlab::SpecRoundEvent& round, int position, bool greedy);
    // Where the round's own token came from: the residual, the target's argmax, or a bonus.
    static QString token(const dlab::SpecRoundEvent& round, bool greedy);
    // "the draft model", "the draft table", "prompt lookup" for the trace's drafter kind.
    static QString drafterName(const std::string& kind);
    // A token as it reads in a cell or a sentence.
    static QString tokenLabel(const std::string& text);
};
