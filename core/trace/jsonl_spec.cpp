// The speculative sampling events of the JSON Lines trace (docs/trace-format.md, "Event:
// spec_round" and "Event: spec_summary"). A round holds up to γ + 1 verified positions of
// candidates, so each candidate is a positional row like a step's; the draft tokens are
// few and stay objects. Timings are left out unless recorded. Reading checks every value:
// the names are known ones, counts are not negative, probabilities and draws lie in [0, 1],
// and the counts the views index with agree (accepted ≤ drafts ≤ γ, one candidate list per
// verified position), so the views never have to.
#include <array>
#include <string_view>

#include "trace/jsonl_detail.h"

namespace dlab::jsonl {
namespace {

constexpr std::array<std::string_view, 3> kDrafters = {"model", "ngram", "table"};
constexpr std::array<std::string_view, 2> kSchedules = {"constant", "heuristic"};
constexpr std::array<std::string_view, 3> kOutcomes = {"accepted", "rejected", "unverified"};
constexpr std::array<std::string_view, 2> kTokenKinds = {"resampled", "bonus"};

void put_optional_double(Json& line, const char* key, const std::optional<double>& value) {
    if (value) line[key] = double_value(*value);
}

// [token, text, p, q, residual]
Json candidate_row(const SpecCandidate& c) {
    return Json::array(
        {c.token, text_value(c.text), float_value(c.p), float_value(c.q), float_value(c.residual)});
}

Json candidate_rows(const std::vector<SpecCandidate>& candidates) {
    Json rows = Json::array();
    for (const SpecCandidate& c : candidates) rows.push_back(candidate_row(c));
    return rows;
}

Json draft_value(const DraftTokenRecord& d) {
    Json object;
    object["token"] = d.token;
    object["text"] = text_value(d.text);
    object["q"] = float_value(d.q);
    object["p"] = float_value(d.p);
    if (d.r) object["r"] = double_value(*d.r);
    object["outcome"] = text_value(d.outcome);
    return object;
}

// A name that must be one of `names`.
template <size_t N>
std::string read_name(const ValueReader& reader, const Value& line, const char* key,
                      const std::array<std::string_view, N>& names) {
    const Value v = reader.field(line, key);
    std::string text = reader.to_text(v);
    expect_name(reader, v, text, names);
    return text;
}

// Checked with a negated comparison so that NaN fails too.
double in_range(const ValueReader& reader, const Value& v, double value, double lo, double hi,
                const char* expected) {
    if (!(value >= lo && value <= hi))
        reader.fail(v.where, v.json.dump() + " is out of range (expected " + expected + ")");
    return value;
}

float probability(const ValueReader& reader, const Value& v) {
    return static_cast<float>(in_range(reader, v, reader.to_float(v), 0.0, 1.0, "0 … 1"));
}

double non_negative(const ValueReader& reader, const Value& v) {
    return in_range(reader, v, reader.to_double(v), 0.0, std::numeric_limits<double>::infinity(), ">= 0");
}

std::optional<double> optional_ms(const ValueReader& reader, const Value& line, const char* key) {
    if (!line.json.contains(key)) return std::nullopt;
    return non_negative(reader, reader.field(line, key));
}

SpecCandidate read_candidate(const ValueReader& reader, const Value& v) {
    if (reader.array(v).size() != 5) {
        reader.fail(v.where, "expected a row of 5 values, got " + std::to_string(v.json.size()));
    }
    const auto item = [&](size_t i) { return Value{v.json[i], v.where.at(i)}; };
    SpecCandidate c;
    c.token = reader.to_int(item(0), 0);
    c.text = reader.to_text(item(1));
    c.p = probability(reader, item(2));
    c.q = probability(reader, item(3));
    c.residual = probability(reader, item(4));
    return c;
}

std::vector<SpecCandidate> read_candidates(const ValueReader& reader, const Value& v) {
    return reader.to_vector(v, [&reader](const Value& row) { return read_candidate(reader, row); });
}

DraftTokenRecord read_draft(const ValueReader& reader, const Value& v) {
    DraftTokenRecord d;
    d.token = reader.to_int(reader.field(v, "token"), 0);
    d.text = reader.to_text(reader.field(v, "text"));
    d.q = probability(reader, reader.field(v, "q"));
    d.p = probability(reader, reader.field(v, "p"));
    if (v.json.contains("r")) {
        const Value r = reader.field(v, "r");
        d.r = in_range(reader, r, reader.to_double(r), 0.0, 1.0, "0 … 1");
    }
    d.outcome = read_name(reader, v, "outcome", kOutcomes);
    return d;
}

}  // namespace

void put_spec_round(Json& line, const SpecRoundEvent& round) {
    line["round"] = round.round;
    line["seq_id"] = round.seq;  // "seq" is the event's number
    line["drafter"] = text_value(round.drafter);
    line["gamma"] = round.gamma;
    line["context_before"] = round.context_before;
    Json drafts = Json::array();
    for (const DraftTokenRecord& d : round.drafts) drafts.push_back(draft_value(d));
    line["drafts"] = std::move(drafts);
    line["accepted"] = round.accepted;
    line["token"] = round.token;
    line["token_text"] = text_value(round.token_text);
    line["token_kind"] = text_value(round.token_kind);
    Json positions = Json::array();
    for (const std::vector<SpecCandidate>& position : round.positions)
        positions.push_back(candidate_rows(position));
    line["positions"] = std::move(positions);
    line["residual"] = candidate_rows(round.residual);
    line["emitted"] = round.emitted;
    line["target_tokens"] = round.target_tokens;
    line["target_length"] = round.target_length;
    line["target_dropped"] = round.target_dropped;
    line["draft_length"] = round.draft_length;
    line["draft_dropped"] = round.draft_dropped;
    line["draft_passes"] = round.draft_passes;
    put_optional_double(line, "draft_ms", round.draft_ms);
    put_optional_double(line, "verify_ms", round.verify_ms);
}

void put_spec_summary(Json& line, const SpecSummaryEvent& summary) {
    line["drafter"] = text_value(summary.drafter);
    line["schedule"] = text_value(summary.schedule);
    line["rounds"] = summary.rounds;
    line["target_passes"] = summary.target_passes;
    line["draft_passes"] = summary.draft_passes;
    line["drafted"] = summary.drafted;
    line["accepted"] = summary.accepted;
    line["rejected"] = summary.rejected;
    line["generated"] = summary.generated;
    line["alpha"] = double_value(summary.alpha);
    line["mean_gamma"] = double_value(summary.mean_gamma);
    line["tokens_per_target_pass"] = double_value(summary.tokens_per_target_pass);
    line["expected_tokens_per_target_pass"] = double_value(summary.expected_tokens_per_target_pass);
    line["target_passes_saved"] = summary.target_passes_saved;
    put_optional_double(line, "draft_ms", summary.draft_ms);
    put_optional_double(line, "target_ms", summary.target_ms);
}

SpecRoundEvent read_spec_round(const ValueReader& reader, const Value& line) {
    const auto count = [&](const char* key) { return reader.to_int(reader.field(line, key), 0); };
    SpecRoundEvent round;
    round.round = reader.to_int(reader.field(line, "round"), 1);
    round.seq = count("seq_id");
    round.drafter = read_name(reader, line, "drafter", kDrafters);
    round.gamma = count("gamma");
    round.context_before = count("context_before");
    const Value drafts = reader.field(line, "drafts");
    round.drafts = reader.to_vector(drafts, [&reader](const Value& v) { return read_draft(reader, v); });
    if (round.drafts.size() > static_cast<size_t>(round.gamma)) {
        reader.fail(drafts.where, std::to_string(round.drafts.size()) + " drafts, more than gamma (" +
                                      std::to_string(round.gamma) + ")");
    }
    round.accepted = static_cast<int>(
        reader.integer(reader.field(line, "accepted"), 0, static_cast<int64_t>(round.drafts.size())));
    round.token = count("token");
    round.token_text = reader.to_text(reader.field(line, "token_text"));
    round.token_kind = read_name(reader, line, "token_kind", kTokenKinds);
    // one candidate list per verified position: the accepted drafts' and the last token's
    const Value positions = reader.field(line, "positions");
    round.positions =
        reader.to_vector(positions, [&reader](const Value& v) { return read_candidates(reader, v); });
    if (round.positions.size() != static_cast<size_t>(round.accepted) + 1) {
        reader.fail(positions.where, std::to_string(round.positions.size()) +
                                         " positions, expected accepted + 1 (" +
                                         std::to_string(round.accepted + 1) + ")");
    }
    round.residual = read_candidates(reader, reader.field(line, "residual"));
    round.emitted = static_cast<int>(reader.integer(reader.field(line, "emitted"), 0, round.accepted + 1));
    round.target_tokens = count("target_tokens");
    round.target_length = count("target_length");
    round.target_dropped = count("target_dropped");
    round.draft_length = count("draft_length");
    round.draft_dropped = count("draft_dropped");
    round.draft_passes = count("draft_passes");
    round.draft_ms = optional_ms(reader, line, "draft_ms");
    round.verify_ms = optional_ms(reader, line, "verify_ms");
    return round;
}

SpecSummaryEvent read_spec_summary(const ValueReader& reader, const Value& line) {
    const auto count = [&](const char* key) { return reader.to_int(reader.field(line, key), 0); };
    SpecSummaryEvent summary;
    summary.drafter = read_name(reader, line, "drafter", kDrafters);
    summary.schedule = read_name(reader, line, "schedule", kSchedules);
    summary.rounds = count("rounds");
    summary.target_passes = count("target_passes");
    summary.draft_passes = count("draft_passes");
    summary.drafted = count("drafted");
    summary.accepted = static_cast<int>(reader.integer(reader.field(line, "accepted"), 0, summary.drafted));
    // a round ends in at most one rejection
    summary.rejected = static_cast<int>(reader.integer(reader.field(line, "rejected"), 0, summary.rounds));
    summary.generated = count("generated");
    const Value alpha = reader.field(line, "alpha");
    summary.alpha = in_range(reader, alpha, reader.to_double(alpha), 0.0, 1.0, "0 … 1");
    summary.mean_gamma = non_negative(reader, reader.field(line, "mean_gamma"));
    summary.tokens_per_target_pass = non_negative(reader, reader.field(line, "tokens_per_target_pass"));
    summary.expected_tokens_per_target_pass =
        non_negative(reader, reader.field(line, "expected_tokens_per_target_pass"));
    // negative when verification passes outnumber the tokens they saved
    summary.target_passes_saved = reader.to_int(reader.field(line, "target_passes_saved"));
    summary.draft_ms = optional_ms(reader, line, "draft_ms");
    summary.target_ms = optional_ms(reader, line, "target_ms");
    return summary;
}

}  // namespace dlab::jsonl
