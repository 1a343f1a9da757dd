#include "event_summary.h"

#include <QCoreApplication>
#include <QStringList>

namespace {

// The context of the summaries' translations.
class EventSummary {
    Q_DECLARE_TR_FUNCTIONS(EventSummary)
};

QString str(const std::string& s) { return QString::fromStdString(s); }

QString list(const std::vector<int>& values) {
    QStringList parts;
    for (int v : values) parts << QString::number(v);
    return QLatin1Char('[') + parts.join(QLatin1Char(',')) + QLatin1Char(']');
}

// Visible newlines, so that one event stays on one line.
QString oneLine(QString text) { return text.replace(QLatin1Char('\n'), QStringLiteral("⏎")); }

QString summary(const dlab::RunEvent& run) {
    return EventSummary::tr("%1 model %2 on %3, %4, prompt \"%5\" (%6 tokens), seed %7")
        .arg(str(run.model_kind), str(run.model), str(run.backend), str(run.strategy),
             oneLine(str(run.prompt)))
        .arg(run.prompt_tokens.size())
        .arg(run.seed);
}

QString summary(const dlab::PhaseEvent& phase) {
    QString text =
        EventSummary::tr("%1 %2, %3 tokens").arg(str(phase.phase), str(phase.edge)).arg(phase.tokens);
    if (phase.duration_ms) text += EventSummary::tr(", %1 ms").arg(*phase.duration_ms, 0, 'f', 2);
    if (!phase.stop_reason.empty()) text += EventSummary::tr(", stop: %1").arg(str(phase.stop_reason));
    if (!phase.detail.empty()) text += QStringLiteral(" — ") + str(phase.detail);
    return text;
}

QString action(const dlab::ActionRecord& a) {
    if (a.kind == "fork") return QStringLiteral("fork %1→%2 +%3").arg(a.seq).arg(a.new_seq).arg(a.token);
    if (a.kind == "drop") return QStringLiteral("drop %1").arg(a.seq);
    return QStringLiteral("%1 %2 +%3").arg(str(a.kind)).arg(a.seq).arg(a.token);
}

QString summary(const dlab::StepEvent& step) {
    QStringList actions;
    for (const dlab::ActionRecord& a : step.actions) actions << action(a);
    QStringList texts;
    for (const dlab::SequenceRecord& s : step.sequences)
        texts << QStringLiteral("%1:\"%2\"%3")
                     .arg(s.id)
                     .arg(oneLine(str(s.text)), s.finished ? QStringLiteral("✓") : QString());
    return EventSummary::tr("%1 sequences, %2 candidates; %3; %4")
        .arg(step.sequences.size())
        .arg(step.candidates.size())
        .arg(actions.join(QStringLiteral(", ")), texts.join(QLatin1Char(' ')));
}

QString summary(const dlab::KvEvent& kv) {
    QString text = EventSummary::tr("%1 seq %2").arg(str(kv.op)).arg(kv.seq);
    if (kv.other_seq >= 0) text += QStringLiteral(" → %1").arg(kv.other_seq);
    if (!kv.blocks.empty()) text += EventSummary::tr(", blocks %1").arg(list(kv.blocks));
    if (kv.n_pos > 0)
        text += EventSummary::tr(", positions %1–%2").arg(kv.first_pos).arg(kv.first_pos + kv.n_pos - 1);
    if (!kv.detail.empty()) text += QStringLiteral(" — ") + str(kv.detail);
    return text;
}

QString summary(const dlab::KvStatsEvent& stats) {
    return EventSummary::tr(
               "%1: %2 of %3 blocks used, %4 sequences, %5 shared, %6 of %7 slots used (%8% fragmentation)")
        .arg(str(stats.kind))
        .arg(stats.n_blocks - stats.free_blocks)
        .arg(stats.n_blocks)
        .arg(stats.n_sequences)
        .arg(stats.shared_blocks)
        .arg(stats.slots_used)
        .arg(stats.slots_reserved)
        .arg(stats.fragmentation() * 100.0, 0, 'f', 1);
}

QString summary(const dlab::TileEvent& tile) {
    QString text = EventSummary::tr("%1 layer %2 head %3").arg(str(tile.kind)).arg(tile.layer).arg(tile.head);
    if (tile.q_block >= 0)
        text += EventSummary::tr(", q block %1 × kv block %2").arg(tile.q_block).arg(tile.kv_block);
    text += EventSummary::tr(", rows %1+%2 × %3+%4, HBM read %5 B, written %6 B, SRAM %7 B")
                .arg(tile.q_first)
                .arg(tile.q_rows)
                .arg(tile.kv_first)
                .arg(tile.kv_rows)
                .arg(tile.hbm_read_bytes)
                .arg(tile.hbm_write_bytes)
                .arg(tile.sram_bytes);
    if (tile.masked) text += EventSummary::tr(", masked");
    return text;
}

QString summary(const dlab::SpecRoundEvent& round) {
    return EventSummary::tr("round %1: %2 of %3 drafts accepted, then %4 %5; %6 tokens added")
        .arg(round.round)
        .arg(round.accepted)
        .arg(round.drafts.size())
        .arg(str(round.token_kind))
        .arg(str(round.token_text))
        .arg(round.emitted);
}

QString summary(const dlab::SpecSummaryEvent& s) {
    return EventSummary::tr("%1 rounds, α = %2, %3 tokens per target pass (theory %4), %5 target passes saved")
        .arg(s.rounds)
        .arg(s.alpha, 0, 'f', 3)
        .arg(s.tokens_per_target_pass, 0, 'f', 2)
        .arg(s.expected_tokens_per_target_pass, 0, 'f', 2)
        .arg(s.target_passes_saved);
}

}  // namespace

QString eventSummary(const dlab::Event& event) {
    return std::visit([](const auto& body) { return summary(body); }, event.body);
}
