#include "options/attention_options.h"

#include <charconv>
#include <limits>

#include "attention/device_preset.h"
#include "common/error.h"

namespace dlab {

namespace {

constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr long long kMaxSramBytes = 1LL << 40;  // 1 TiB: far beyond any chip, still no overflow

}  // namespace

const std::set<std::string>& attention_option_names() {
    static const std::set<std::string> names = {"attention", "sram-bytes",  "device-preset",
                                                "tile-rows", "tile-cols",   "tile-layer",
                                                "tile-head", "highlight-row", "max-tile-events"};
    return names;
}

std::string first_attention_option(const Args& args) {
    for (const std::string& name : attention_option_names())
        if (args.has(name)) return "--" + name;
    return {};
}

AttentionConfig attention_config(const Args& args, AttentionConfig c) {
    if (args.has("attention")) c.kind = parse_attention_kind(args.value("attention"));
    if (args.has("device-preset")) c.device_preset = args.value("device-preset");
    if (args.has("sram-bytes")) c.sram_bytes = parse_byte_size("--sram-bytes", args.value("sram-bytes"), 0, kMaxSramBytes);
    // integers are range-checked loosely here; validate() states the real ranges
    c.tile_rows = args.integer("tile-rows", c.tile_rows, kIntMin, kIntMax);
    c.tile_cols = args.integer("tile-cols", c.tile_cols, kIntMin, kIntMax);
    c.trace_layer = args.integer("tile-layer", c.trace_layer, kIntMin, kIntMax);
    c.trace_head = args.integer("tile-head", c.trace_head, kIntMin, kIntMax);
    c.highlight_row = args.integer("highlight-row", c.highlight_row, kIntMin, kIntMax);
    c.max_tile_events = args.integer("max-tile-events", c.max_tile_events, kIntMin, kIntMax);
    // everything but the model's layer and head counts, which the backend checks
    if (c.trace_layer < 0) throw InvalidArgument("--tile-layer must be ≥ 0, got " + std::to_string(c.trace_layer));
    if (c.trace_head < 0) throw InvalidArgument("--tile-head must be ≥ 0, got " + std::to_string(c.trace_head));
    c.validate(kIntMax, kIntMax);
    return c;
}

void check_attention_with_kv(const AttentionConfig& attention, const KvConfig& kv) {
    if (attention.kind == AttentionKind::Flash && kv.kind == KvKind::Sliding)
        throw InvalidArgument(
            "--attention flash cannot be combined with --kv sliding: its tiles need every earlier position "
            "visible (use --kv contiguous or paged)");
}

long long parse_byte_size(const std::string& option, const std::string& text, long long min, long long max) {
    const auto fail = [&](const std::string& why) {
        throw InvalidArgument(option + ": '" + text + "' " + why);
    };
    long long value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    auto [stop, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) fail("is too large");
    if (ec != std::errc() || text.empty() || text[0] == '+')
        fail("is not a byte count (an integer, optionally with k or m: KiB, MiB)");
    long long unit = 1;
    if (stop != end) {
        if (stop + 1 != end) fail("is not a byte count (an integer, optionally with k or m: KiB, MiB)");
        switch (*stop) {
            case 'k': case 'K': unit = 1024; break;
            case 'm': case 'M': unit = 1024 * 1024; break;
            default: fail("is not a byte count (an integer, optionally with k or m: KiB, MiB)");
        }
    }
    if (value > max / unit || value < min / unit || value * unit < min || value * unit > max)
        fail("is outside [" + std::to_string(min) + ", " + std::to_string(max) + "] bytes");
    return value * unit;
}

}  // namespace dlab
