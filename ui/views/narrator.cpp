#include "views/narrator.h"

#include <algorithm>
#include <cmath>

#include "views/spec_round_text.h"

using dlab::CandidateRecord;
using dlab::SequenceRecord;
using dlab::StepEvent;

namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

std::string parameter(const dlab::RunEvent* run, const std::string& key, const std::string& fallback = {}) {
    if (!run) return fallback;
    const auto it = run->parameters.find(key);
    return it == run->parameters.end() ? fallback : it->second;
}

struct StageParameter {
    const char* stage;
    const char* parameter;  // its CLI name in the run's parameters
    double off;             // the value at which the stage changes nothing
};
constexpr StageParameter kStageParameters[] = {
    {"temperature", "temperature", 1.0},
    {"top_k", "top-k", 0.0},
    {"top_p", "top-p", 1.0},
    {"min_p", "min-p", 0.0},
    {"typical_p", "typical-p", 1.0},
    {"repetition_penalty", "repetition-penalty", 1.0},
    {"no_repeat_ngram", "no-repeat-ngram-size", 0.0},
};

const StageParameter* stageParameter(const std::string& stage) {
    for (const StageParameter& p : kStageParameters)
        if (stage == p.stage) return &p;
    return nullptr;
}

QString stageLabel(const std::string& stage) {
    if (stage == "top_k") return Narrator::tr("top-k");
    if (stage == "top_p") return Narrator::tr("top-p");
    if (stage == "min_p") return Narrator::tr("min-p");
    if (stage == "typical_p") return Narrator::tr("typical-p");
    if (stage == "temperature") return Narrator::tr("temperature");
    if (stage == "repetition_penalty") return Narrator::tr("repetition penalty");
    if (stage == "no_repeat_ngram") return Narrator::tr("no-repeat n-gram");
    return fromStd(stage);
}

QString tokenCount(int n) { return n == 1 ? Narrator::tr("1 token") : Narrator::tr("%1 tokens").arg(n); }

double probability(const CandidateRecord& c) { return c.probs.empty() ? 0.0 : c.probs.front(); }

// The sequence of this step that a candidate became, if any.
const SequenceRecord* outcome(const StepEvent& event, const CandidateRecord& c) {
    for (const SequenceRecord& s : event.sequences) {
        const int from = s.parent >= 0 ? s.parent : s.id;
        if (from == c.seq && !s.tokens.empty() && s.tokens.back() == c.token) return &s;
    }
    return nullptr;
}

// The most probable candidate of sequence `seq` other than `except` (nullptr when none).
const CandidateRecord* runnerUp(const StepEvent& event, int seq, const CandidateRecord* except) {
    const CandidateRecord* best = nullptr;
    for (const CandidateRecord& c : event.candidates)
        if (&c != except && c.seq == seq && !c.chosen && (!best || probability(c) > probability(*best)))
            best = &c;
    return best;
}

}  // namespace

Narrator::Narrator(const dlab::TraceTimeline& timeline) : m_timeline(timeline), m_eos(eosTokens(timeline)) {}

QString Narrator::sentence(int step) const {
    if (!m_timeline.run() || step < 0 || step > m_timeline.last_step()) return {};
    QString text;
    if (step == 0) {
        text = promptSentence();
    } else if (const dlab::SpecRoundEvent* round = m_timeline.spec_round_at(step)) {
        // a speculative step is a round that may add several tokens: its own account
        text = SpecRoundText::round(*round, m_timeline.run()->strategy == "greedy");
    } else if (const StepEvent* event = m_timeline.step_event(step)) {
        const std::string& strategy = m_timeline.run()->strategy;
        if (strategy == "beam")
            text = beamSentence(step, *event);
        else if (strategy == "greedy")
            text = greedySentence(*event);
        else if (strategy == "contrastive")
            text = contrastiveSentence(*event);
        else
            text = sampleSentence(*event);
    }
    if (step == m_timeline.last_step() && m_timeline.finish()) {
        const QString stop = stopSentence();
        text = text.isEmpty() ? stop : text + QLatin1Char(' ') + stop;
    }
    return text;
}

QString Narrator::formatNumber(double value, int decimals) {
    if (std::isnan(value)) return tr("NaN");
    if (std::isinf(value)) return value < 0 ? tr("−∞") : tr("∞");
    QString text = QString::number(value, 'f', decimals);
    // -0.001 prints as "-0.00": no sign on a value that reads as zero
    if (text.toDouble() == 0.0) text = QString::number(0.0, 'f', decimals);
    return text.replace(QLatin1Char('-'), QChar(0x2212));
}

QString Narrator::formatProbability(double p) {
    if (p == 0.0) return QStringLiteral("0");
    if (p > 0.0 && p < 0.01) return QString::number(p, 'g', 2);
    return formatNumber(p, 2);
}

QString Narrator::tokenLabel(const std::string& text, bool eos) {
    QString label = fromStd(text);
    if (label.isEmpty()) return eos ? tr("<eos>") : tr("∅");
    label.replace(QLatin1Char('\n'), QStringLiteral("↵")).replace(QLatin1Char('\t'), QStringLiteral("⇥"));
    const QString trimmed = label.trimmed();
    return trimmed.isEmpty() ? label.replace(QLatin1Char(' '), QStringLiteral("␣")) : trimmed;
}

QString Narrator::sequenceLabel(const std::string& text) {
    constexpr int kMaxChars = 32;  // the end of a long beam is what tells beams apart
    QString label = fromStd(text).trimmed().replace(QLatin1Char('\n'), QStringLiteral("↵"));
    if (label.size() > kMaxChars) {
        label = label.right(kMaxChars - 1);
        // start at a word when there is one to start at
        const int space = label.indexOf(QLatin1Char(' '));
        if (space >= 0 && space < label.size() - 1) label = label.mid(space + 1);
        label.prepend(QStringLiteral("…"));
    }
    return tr("“%1”").arg(label);
}

QString Narrator::reasonText(const std::string& reason) {
    if (reason.empty()) return {};
    if (reason == "beam_rank") return tr("out of the beam");
    if (reason == "eos_rank") return tr("EOS out of rank");
    if (reason == "below_worst_hypothesis") return tr("below the finished");
    if (reason == "not_chosen") return tr("not chosen");
    return tr("cut by %1").arg(stageLabel(reason));
}

QString Narrator::joinList(const QStringList& items) {
    if (items.size() <= 1) return items.value(0);
    return tr("%1 and %2").arg(items.mid(0, items.size() - 1).join(tr(", ")), items.last());
}

QStringList Narrator::promptPieces(const dlab::RunEvent& run) {
    QStringList pieces;
    for (size_t i = 0; i < run.prompt_pieces.size(); ++i) {
        const std::string& piece = run.prompt_pieces[i];
        // the empty first piece is the vocabulary's BOS, which has no text
        pieces << (piece.empty() && i == 0 ? tr("<bos>") : tokenLabel(piece, false));
    }
    return pieces;
}

std::set<int> Narrator::eosTokens(const dlab::TraceTimeline& timeline) {
    std::set<int> eos;
    for (const dlab::Event& e : timeline.events()) {
        const auto* step = std::get_if<StepEvent>(&e.body);
        if (!step) continue;
        for (const SequenceRecord& s : step->sequences)
            if (s.finished && !s.tokens.empty()) eos.insert(s.tokens.back());
        for (const CandidateRecord& c : step->candidates)
            if (c.reason == "eos_rank") eos.insert(c.token);
    }
    return eos;
}

QString Narrator::promptSentence() const {
    const QString prompt = prefillSentence();
    const dlab::RunEvent* run = m_timeline.run();
    if (!m_timeline.speculative()) return prompt;
    return tr("%1 Speculative sampling makes each step a round: %2 proposes up to %3 tokens, the target model "
              "verifies them in one pass, and a step can add several tokens.")
        .arg(prompt, SpecRoundText::drafterName(parameter(run, "draft")),
             fromStd(parameter(run, "num-draft-tokens", "?")));
}

QString Narrator::prefillSentence() const {
    const dlab::RunEvent& run = *m_timeline.run();
    constexpr int kMaxPieces = 12;
    QStringList pieces = promptPieces(run);
    if (pieces.size() > kMaxPieces) pieces = pieces.mid(0, kMaxPieces) << QStringLiteral("…");
    const QString tokens = pieces.join(QStringLiteral(" · "));
    const QString count = tokenCount(static_cast<int>(run.prompt_tokens.size()));
    const QString prompt = fromStd(run.prompt);

    const dlab::KvSnapshot kv = m_timeline.kv_at(0);
    if (!kv.stats)
        return tr("The prompt “%1” is %2: %3. The table model looks up the next-token probabilities for it "
                  "(it keeps no KV cache); then %4 generates one token per step.")
            .arg(prompt, count, tokens, strategyPhrase());
    QString cache;
    if (kv.stats->kind == "paged")
        cache = tr("the paged KV cache (blocks of %1 positions)").arg(kv.stats->block_size);
    else if (kv.stats->kind == "sliding")
        cache = tr("the sliding-window KV cache (%1 positions)").arg(kv.stats->block_size);
    else
        cache = tr("the contiguous KV cache");
    return tr("The prompt “%1” is %2: %3. The prefill pass runs them through the model at once and stores "
              "their keys and values in %4; then %5 generates one token per step.")
        .arg(prompt, count, tokens, cache, strategyPhrase());
}

QString Narrator::strategyPhrase() const {
    const dlab::RunEvent* run = m_timeline.run();
    if (run->strategy == "greedy") return tr("greedy search");
    if (run->strategy == "beam")
        return tr("beam search with k = %1 beams").arg(fromStd(parameter(run, "num-beams", "?")));
    if (run->strategy == "contrastive")
        return tr("contrastive search (α = %1, top-k = %2)")
            .arg(fromStd(parameter(run, "penalty-alpha", "?")), fromStd(parameter(run, "top-k", "?")));
    if (run->strategy == "sample") {
        QStringList stages;
        for (const std::string& stage : run->chain) {
            const StageParameter* p = stageParameter(stage);
            if (!p) continue;
            const QString value = fromStd(parameter(run, p->parameter));
            bool ok = false;
            const double number = value.toDouble(&ok);
            if (ok && number == p->off) continue;  // a stage that is off says nothing
            stages << tr("%1 = %2").arg(stageLabel(stage), value);
        }
        if (stages.isEmpty()) return tr("random sampling from the full distribution");
        return tr("sampling with %1").arg(stages.join(QStringLiteral(" → ")));
    }
    return fromStd(run->strategy);
}

QString Narrator::beamSentence(int step, const StepEvent& event) const {
    std::vector<const SequenceRecord*> live, finished;
    for (const SequenceRecord& s : event.sequences) (s.finished ? finished : live).push_back(&s);
    const auto byScore = [](const SequenceRecord* a, const SequenceRecord* b) { return a->score > b->score; };
    std::stable_sort(live.begin(), live.end(), byScore);
    std::stable_sort(finished.begin(), finished.end(), byScore);
    const int nCandidates = static_cast<int>(std::count_if(
        event.candidates.begin(), event.candidates.end(),
        [](const CandidateRecord& c) { return std::isfinite(c.score) && probability(c) > 0.0; }));

    QStringList parts;
    if (!finished.empty()) {
        QStringList names, logprobs;
        for (const SequenceRecord* s : finished) {
            names << sequenceLabel(s->text);
            logprobs << formatNumber(s->logprob);
        }
        parts << (finished.size() == 1 ? tr("%1 is finished, with cumulative log-probability %2.")
                                             .arg(names.front(), logprobs.front())
                                       : tr("%1 are finished, with cumulative log-probabilities %2.")
                                             .arg(joinList(names), joinList(logprobs)));
    }
    if (!live.empty()) {
        QStringList names, logprobs;
        bool anyPossible = false;
        for (const SequenceRecord* s : live) {
            names << sequenceLabel(s->text);
            logprobs << formatNumber(s->logprob);
            anyPossible = anyPossible || std::isfinite(s->logprob);
        }
        const QString who = joinList(names);
        if (!anyPossible)
            parts << tr("%1 only fill the beam: the model gives every continuation left probability 0 "
                        "(log-probability −∞).")
                         .arg(who);
        else if (live.size() == 1)
            parts << (nCandidates > 0
                          ? tr("%1 survives: its cumulative log-probability %2 is the best of the %3 "
                               "candidates.")
                                .arg(who, logprobs.front(), QString::number(nCandidates))
                          : tr("%1 survives with cumulative log-probability %2.").arg(who, logprobs.front()));
        else
            parts << (nCandidates > 0
                          ? tr("%1 survive: their cumulative log-probabilities %2 are the best %3 of the %4 "
                               "candidates.")
                                .arg(who, joinList(logprobs), QString::number(live.size()),
                                     QString::number(nCandidates))
                          : tr("%1 survive with cumulative log-probabilities %2.")
                                .arg(who, joinList(logprobs)));
    }
    // beams of the step before that nothing of this step continues
    if (const StepEvent* before = m_timeline.step_event(step - 1)) {
        std::set<int> continued;
        for (const SequenceRecord& s : event.sequences) continued.insert(s.parent >= 0 ? s.parent : s.id);
        QStringList dropped;
        for (const SequenceRecord& s : before->sequences)
            if (!s.finished && !continued.count(s.id)) dropped << sequenceLabel(s.text);
        if (dropped.size() == 1)
            parts << tr("%1 drops out: none of its continuations ranks among the best.").arg(dropped.front());
        else if (dropped.size() > 1)
            parts << tr("%1 drop out: none of their continuations ranks among the best.")
                         .arg(joinList(dropped));
    }
    return parts.join(QLatin1Char(' '));
}

QString Narrator::greedySentence(const StepEvent& event) const {
    QStringList parts;
    for (const CandidateRecord& c : event.candidates) {
        if (!c.chosen) continue;
        const QString token = tokenLabel(c.text, m_eos.count(c.token) > 0);
        const QString p = formatProbability(probability(c));
        const CandidateRecord* next = runnerUp(event, c.seq, &c);
        parts << (next ? tr("‘%1’ is chosen: the most probable token (p = %2), ahead of ‘%3’ (p = %4).")
                             .arg(token, p, tokenLabel(next->text, m_eos.count(next->token) > 0),
                                  formatProbability(probability(*next)))
                       : tr("‘%1’ is chosen: the most probable token (p = %2).").arg(token, p));
        const SequenceRecord* s = outcome(event, c);
        if (s && s->finished) parts << tr("It ends the sequence.");
    }
    return parts.join(QLatin1Char(' '));
}

QString Narrator::sampleSentence(const StepEvent& event) const {
    std::vector<const CandidateRecord*> chosen;
    for (const CandidateRecord& c : event.candidates)
        if (c.chosen) chosen.push_back(&c);
    QStringList parts;
    for (const CandidateRecord* c : chosen) {
        // which stages cut this sequence's candidates, and how many were left to sample from
        QStringList cutters;
        int left = 0;
        for (size_t stage = 0; stage < event.stages.size(); ++stage) {
            const bool cut =
                std::any_of(event.candidates.begin(), event.candidates.end(), [&](const CandidateRecord& o) {
                    return o.seq == c->seq && o.probs.size() > stage + 1 && o.probs[stage] > 0 &&
                           o.probs[stage + 1] == 0;
                });
            if (cut) cutters << stageLabel(event.stages[stage]);
        }
        for (const CandidateRecord& o : event.candidates)
            if (o.seq == c->seq && !o.probs.empty() && o.probs.back() > 0) ++left;

        const QString token = tokenLabel(c->text, m_eos.count(c->token) > 0);
        const double raw = probability(*c);
        const double kept = c->probs.empty() ? 0.0 : c->probs.back();
        QString sentence = cutters.isEmpty()
                               ? tr("Sampled ‘%1’ (p = %2; the chain cut none of the most probable tokens).")
                                     .arg(token, formatProbability(kept))
                           : formatProbability(raw) == formatProbability(kept)
                               ? tr("Sampled ‘%1’ (p = %2 after %3 kept %4).")
                                     .arg(token, formatProbability(kept), joinList(cutters), tokenCount(left))
                               : tr("Sampled ‘%1’ (p = %2 after %3 kept %4; the model alone gave it %5).")
                                     .arg(token, formatProbability(kept), joinList(cutters), tokenCount(left),
                                          formatProbability(raw));
        if (chosen.size() > 1) sentence = tr("Sequence %1: %2").arg(QString::number(c->seq), sentence);
        parts << sentence;
        const SequenceRecord* s = outcome(event, *c);
        if (s && s->finished) parts << tr("It ends the sequence.");
    }
    return parts.join(QLatin1Char(' '));
}

QString Narrator::contrastiveSentence(const StepEvent& event) const {
    const QString alpha = fromStd(parameter(m_timeline.run(), "penalty-alpha", "?"));
    QStringList parts;
    for (const CandidateRecord& c : event.candidates) {
        if (!c.chosen) continue;
        const auto confidence = [](const CandidateRecord& r) {
            return r.confidence.value_or(probability(r));
        };
        const int n =
            static_cast<int>(std::count_if(event.candidates.begin(), event.candidates.end(),
                                           [&](const CandidateRecord& o) { return o.seq == c.seq; }));
        parts << tr("‘%1’ wins: (1 − α) × confidence %2 minus α × degeneration penalty %3 gives %4 with α = "
                    "%5, "
                    "the best of the %6 candidates.")
                     .arg(tokenLabel(c.text, m_eos.count(c.token) > 0), formatNumber(confidence(c)),
                          formatNumber(c.degeneration_penalty.value_or(0.0f)), formatNumber(c.score), alpha,
                          QString::number(n));
        // the most probable candidate, when the penalty beat it
        const CandidateRecord* likeliest = &c;
        for (const CandidateRecord& o : event.candidates)
            if (o.seq == c.seq && confidence(o) > confidence(*likeliest)) likeliest = &o;
        if (likeliest != &c)
            parts << tr("The most probable, ‘%1’ (confidence %2), loses on its degeneration penalty %3 "
                        "(score %4).")
                         .arg(tokenLabel(likeliest->text, m_eos.count(likeliest->token) > 0),
                              formatNumber(confidence(*likeliest)),
                              formatNumber(likeliest->degeneration_penalty.value_or(0.0f)),
                              formatNumber(likeliest->score));
        const SequenceRecord* s = outcome(event, c);
        if (s && s->finished) parts << tr("It ends the sequence.");
    }
    return parts.join(QLatin1Char(' '));
}

QString Narrator::stopSentence() const {
    const dlab::PhaseEvent& end = *m_timeline.finish();
    const QString detail = fromStd(end.detail);
    QString text;
    if (end.stop_reason == "eos")
        text = tr("Decoding stops: the end-of-sequence token was generated.");
    else if (end.stop_reason == "max_new_tokens")
        text = tr("Decoding stops: the limit of max_new_tokens = %1 new tokens is reached.")
                   .arg(fromStd(parameter(m_timeline.run(), "max-new-tokens", "?")));
    else if (end.stop_reason == "done")
        text = tr("Decoding stops: every sequence has finished.");
    else if (end.stop_reason == "kv_exhausted")
        return detail.isEmpty() ? tr("Decoding stops: the KV cache ran out of room.")
                                : tr("Decoding stops: the KV cache ran out of room (%1).").arg(detail);
    else
        text = tr("Decoding stops (%1).").arg(fromStd(end.stop_reason));
    return detail.isEmpty() ? text : tr("%1 (%2)").arg(text, detail);
}
