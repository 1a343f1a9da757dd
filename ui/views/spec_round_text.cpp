#include "views/spec_round_text.h"

#include "views/narrator.h"

namespace {

QString probability(double p) { return Narrator::formatProbability(p); }

int unverifiedCount(const dlab::SpecRoundEvent& round) {
    int n = 0;
    for (const dlab::DraftTokenRecord& d : round.drafts) n += d.outcome == "unverified" ? 1 : 0;
    return n;
}

}  // namespace

QString SpecRoundText::tokenLabel(const std::string& text) { return Narrator::tokenLabel(text, false); }

QString SpecRoundText::drafterName(const std::string& kind) {
    if (kind == "table") return tr("the draft table");
    if (kind == "ngram") return tr("prompt lookup");
    return tr("the draft model");
}

QString SpecRoundText::round(const dlab::SpecRoundEvent& round, bool greedy) {
    const int n = int(round.drafts.size());
    const QString token = tokenLabel(round.token_text);
    const QString added = round.target_tokens > 0
                              ? tr("The round added %n token(s) with one pass of the target model.", nullptr, round.emitted)
                              : tr("The round added %n token(s) from the prefill's last logits, without a new pass of "
                                   "the target model.",
                                   nullptr, round.emitted);
    if (n == 0)
        return tr("Round %1: %2 proposed nothing, so the target model chose “%3” on its own, as in plain decoding. %4")
            .arg(QString::number(round.round), drafterName(round.drafter), token, added);

    const QString proposed =
        tr("Round %1: %2 proposed %n token(s)", nullptr, n).arg(QString::number(round.round), drafterName(round.drafter));
    QString verdict;
    if (round.token_kind == "bonus") {
        verdict = greedy ? tr("each is the target model's most probable token, so all are accepted, and its next "
                              "most probable token “%1” comes free")
                               .arg(token)
                         : tr("the target model accepted all of them and drew a bonus token “%1” from its own "
                              "distribution p")
                               .arg(token);
    } else {
        const QString rejected = tokenLabel(round.drafts.at(size_t(round.accepted)).text);
        if (round.accepted == 0)
            verdict = greedy ? tr("the target model rejected the first, “%1”, and takes its own most probable "
                                  "token “%2” instead")
                                   .arg(rejected, token)
                             : tr("the target model rejected the first, “%1”, and resampled “%2” from the residual "
                                  "distribution norm(max(0, p − q))")
                                   .arg(rejected, token);
        else
            verdict = greedy ? tr("the target model accepted the first %n, rejected “%1” at position %2 and takes "
                                  "its own most probable token “%3” instead",
                                  nullptr, round.accepted)
                                   .arg(rejected, QString::number(round.accepted + 1), token)
                             : tr("the target model accepted the first %n, rejected “%1” at position %2 and "
                                  "resampled “%3” from the residual distribution norm(max(0, p − q))",
                                  nullptr, round.accepted)
                                   .arg(rejected, QString::number(round.accepted + 1), token);
    }
    const int unverified = unverifiedCount(round);
    if (unverified == 0) return tr("%1; %2. %3").arg(proposed, verdict, added);
    const QString after = tr("the %n draft(s) after it were never verified", nullptr, unverified);
    return tr("%1; %2; %3. %4").arg(proposed, verdict, after, added);
}

QString SpecRoundText::draft(const dlab::SpecRoundEvent& round, int position, bool greedy) {
    const dlab::DraftTokenRecord& d = round.drafts.at(size_t(position));
    const QString numbers = tr("Draft %1, “%2”: q = %3 (draft), p = %4 (target)")
                                .arg(QString::number(position + 1), tokenLabel(d.text), probability(d.q),
                                     probability(d.p));
    if (d.outcome == "unverified") return tr("%1 — not verified: an earlier draft was rejected.").arg(numbers);
    const bool accepted = d.outcome == "accepted";
    if (greedy || !d.r)
        return accepted ? tr("%1 — accepted: it is the target model's most probable token.").arg(numbers)
                        : tr("%1 — rejected: it is not the target model's most probable token.").arg(numbers);
    // the rule: x stands with probability min(1, p/q), decided by one uniform draw r
    // three decimals: a draw of 0.998 against 0.64 must not read as 1.00
    const QString r = Narrator::formatNumber(*d.r, 3);
    const QString ratio = Narrator::formatNumber(d.q > 0 ? double(d.p) / d.q : 0.0, 3);
    return accepted ? tr("%1 — accepted: r = %2 < p/q = %3.").arg(numbers, r, ratio)
                    : tr("%1 — rejected: r = %2 ≥ p/q = %3.").arg(numbers, r, ratio);
}

QString SpecRoundText::token(const dlab::SpecRoundEvent& round, bool greedy) {
    const QString token = tokenLabel(round.token_text);
    if (round.token_kind == "bonus")
        return greedy ? tr("“%1”: every draft was accepted; the target model's most probable next token comes free.")
                            .arg(token)
                      : tr("“%1”: every draft was accepted; a bonus token drawn from the target model's p.").arg(token);
    return greedy ? tr("“%1”: the target model's most probable token replaces the rejected draft.").arg(token)
                  : tr("“%1”: resampled from the residual distribution norm(max(0, p − q)).").arg(token);
}
