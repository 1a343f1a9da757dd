#include "trace/chrome_trace.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/error.h"

namespace dlab {

namespace {

using Json = nlohmann::ordered_json;

// One process, a thread per kind of event so Perfetto draws them as separate tracks.
enum Track { kPhases = 1, kSteps = 2, kKvCache = 3, kTiles = 4, kSpeculative = 5 };

Json base(const char* name, const char* phase, const Event& event, Track track) {
    return Json{{"name", name}, {"ph", phase}, {"ts", event.seq}, {"pid", 1}, {"tid", static_cast<int>(track)}};
}

Json track_name(Track track, const char* name) {
    return Json{{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", static_cast<int>(track)},
                {"args", {{"name", name}}}};
}

std::string tokens_text(const std::vector<int>& tokens) {
    std::string text;
    for (int token : tokens) {
        if (!text.empty()) text += ' ';
        text += std::to_string(token);
    }
    return text;
}

}  // namespace

std::string chrome_trace_json(const std::vector<Event>& events) {
    Json trace_events = Json::array({Json{{"name", "process_name"}, {"ph", "M"}, {"pid", 1},
                                          {"args", {{"name", "DecodeLab"}}}},
                                     track_name(kPhases, "phases"), track_name(kSteps, "decode steps"),
                                     track_name(kKvCache, "KV cache"), track_name(kTiles, "attention tiles"),
                                     track_name(kSpeculative, "speculative rounds")});
    for (const Event& event : events) {
        if (const auto* run = std::get_if<RunEvent>(&event.body)) {
            Json e = base("run", "i", event, kPhases);
            e["s"] = "p";
            e["args"] = {{"model", run->model}, {"strategy", run->strategy}, {"backend", run->backend},
                         {"prompt_tokens", run->prompt_tokens.size()}};
            trace_events.push_back(e);
        } else if (const auto* phase = std::get_if<PhaseEvent>(&event.body)) {
            Json e = base(phase->phase.c_str(), phase->edge == "begin" ? "B" : "E", event, kPhases);
            e["args"] = {{"tokens", phase->tokens}};
            if (phase->duration_ms) e["args"]["duration_ms"] = *phase->duration_ms;
            if (!phase->stop_reason.empty()) e["args"]["stop_reason"] = phase->stop_reason;
            trace_events.push_back(e);
        } else if (const auto* step = std::get_if<StepEvent>(&event.body)) {
            Json e = base(("step " + std::to_string(event.step)).c_str(), "i", event, kSteps);
            e["s"] = "t";
            Json sequences = Json::object();
            for (const SequenceRecord& s : step->sequences)
                sequences[std::to_string(s.id)] = tokens_text(s.tokens) + (s.finished ? " (finished)" : "");
            e["args"] = {{"sequences", sequences}, {"candidates", step->candidates.size()}};
            trace_events.push_back(e);
        } else if (const auto* kv = std::get_if<KvEvent>(&event.body)) {
            Json e = base(kv->op.c_str(), "i", event, kKvCache);
            e["s"] = "t";
            e["args"] = {{"seq", kv->seq}, {"blocks", kv->blocks}};
            if (kv->other_seq >= 0) e["args"]["other_seq"] = kv->other_seq;
            trace_events.push_back(e);
        } else if (const auto* stats = std::get_if<KvStatsEvent>(&event.body)) {
            Json e = base("KV slots", "C", event, kKvCache);
            e["args"] = {{"reserved", stats->slots_reserved}, {"used", stats->slots_used}};
            trace_events.push_back(e);
        } else if (const auto* tile = std::get_if<TileEvent>(&event.body)) {
            Json e = base(tile->kind.c_str(), "X", event, kTiles);
            e["dur"] = 1;
            e["args"] = {{"layer", tile->layer},          {"head", tile->head},
                         {"q_block", tile->q_block},      {"kv_block", tile->kv_block},
                         {"hbm_read_bytes", tile->hbm_read_bytes}, {"hbm_write_bytes", tile->hbm_write_bytes},
                         {"sram_bytes", tile->sram_bytes}, {"flops", tile->flops}};
            trace_events.push_back(e);
        } else if (const auto* round = std::get_if<SpecRoundEvent>(&event.body)) {
            // the measured times go in args: the time axis counts events, not milliseconds
            Json e = base(("round " + std::to_string(round->round)).c_str(), "i", event, kSpeculative);
            e["s"] = "t";
            e["args"] = {{"drafter", round->drafter},
                         {"gamma", round->gamma},
                         {"drafted", round->drafts.size()},
                         {"accepted", round->accepted},
                         {"token_kind", round->token_kind},
                         {"emitted", round->emitted},
                         {"target_dropped", round->target_dropped},
                         {"draft_dropped", round->draft_dropped}};
            if (round->draft_ms) e["args"]["draft_ms"] = *round->draft_ms;
            if (round->verify_ms) e["args"]["verify_ms"] = *round->verify_ms;
            trace_events.push_back(e);
            // drafted against accepted, round by round, as a chart
            Json counter = base("draft tokens", "C", event, kSpeculative);
            counter["args"] = {{"drafted", round->drafts.size()}, {"accepted", round->accepted}};
            trace_events.push_back(counter);
        } else if (const auto* summary = std::get_if<SpecSummaryEvent>(&event.body)) {
            Json e = base("speculative summary", "i", event, kSpeculative);
            e["s"] = "p";
            e["args"] = {{"rounds", summary->rounds},
                         {"alpha", summary->alpha},
                         {"tokens_per_target_pass", summary->tokens_per_target_pass},
                         {"expected_tokens_per_target_pass", summary->expected_tokens_per_target_pass},
                         {"target_passes_saved", summary->target_passes_saved}};
            if (summary->draft_ms) e["args"]["draft_ms"] = *summary->draft_ms;
            if (summary->target_ms) e["args"]["target_ms"] = *summary->target_ms;
            trace_events.push_back(e);
        }
    }
    // text that is not UTF-8 (half a character in a byte token) is shown with U+FFFD
    return Json{{"traceEvents", trace_events}, {"displayTimeUnit", "ns"}}.dump(-1, ' ', false,
                                                                              Json::error_handler_t::replace);
}

void write_chrome_trace(const std::vector<Event>& events, const std::string& path) {
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error(path + ": cannot open for writing");
    out << chrome_trace_json(events) << '\n';
    if (!out) throw Error(path + ": write failed");
}

}  // namespace dlab
