#include "options/kv_options.h"

#include <limits>

namespace dlab {

namespace {

constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();

}  // namespace

const std::set<std::string>& kv_option_names() {
    static const std::set<std::string> names = {"kv", "block-size", "num-blocks", "window", "sink-tokens",
                                                "max-seq-len"};
    return names;
}

const std::set<std::string>& kv_flag_names() {
    static const std::set<std::string> names = {"prefix-caching"};
    return names;
}

std::string first_kv_option(const Args& args) {
    for (const std::string& name : kv_option_names())
        if (args.has(name)) return "--" + name;
    for (const std::string& name : kv_flag_names())
        if (args.flag(name)) return "--" + name;
    return {};
}

KvConfig kv_config(const Args& args, KvConfig c) {
    if (args.has("kv")) c.kind = parse_kv_kind(args.value("kv"));
    // integers are range-checked loosely here; validate() states the real ranges
    c.block_size = args.integer("block-size", c.block_size, kIntMin, kIntMax);
    c.num_blocks = args.integer("num-blocks", c.num_blocks, kIntMin, kIntMax);
    c.window = args.integer("window", c.window, kIntMin, kIntMax);
    c.sink_tokens = args.integer("sink-tokens", c.sink_tokens, kIntMin, kIntMax);
    c.max_seq_len = args.integer("max-seq-len", c.max_seq_len, kIntMin, kIntMax);
    if (args.flag("prefix-caching")) c.prefix_caching = true;
    c.validate();
    return c;
}

}  // namespace dlab
