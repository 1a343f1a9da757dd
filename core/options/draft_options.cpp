#include "options/draft_options.h"

#include <limits>
#include <vector>

#include "common/error.h"

namespace dlab {

namespace {

constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();

const char* const kDrafters[] = {"draft-model", "draft", "draft-table"};
const char* const kDraftParameters[] = {"num-draft-tokens", "draft-schedule", "max-matching-ngram-size"};

}  // namespace

const std::set<std::string>& draft_option_names() {
    static const std::set<std::string> names = [] {
        std::set<std::string> all(std::begin(kDrafters), std::end(kDrafters));
        all.insert(std::begin(kDraftParameters), std::end(kDraftParameters));
        return all;
    }();
    return names;
}

std::string drafter_option(const Args& args) {
    std::vector<std::string> given;
    for (const char* name : kDrafters)
        if (args.has(name)) given.push_back(std::string("--") + name);
    if (given.size() > 1)
        throw InvalidArgument(given[0] + " and " + given[1] + ": speculative sampling takes one drafter");
    if (args.has("draft") && args.value("draft") != "ngram")
        throw InvalidArgument("--draft: '" + args.value("draft") +
                              "' is not a drafter (ngram: prompt lookup; a draft model is --draft-model FILE, "
                              "a draft table --draft-table FILE)");
    if (args.has("draft-table") && !args.has("table"))
        throw InvalidArgument("--draft-table drafts for a table model: give the target table with --table");
    if (args.has("draft-model") && args.has("table"))
        throw InvalidArgument(
            "--draft-model: a table model (--table) drafts with a table of its symbols (--draft-table)");
    const std::string drafter = given.empty() ? std::string() : given[0];
    // verification rolls the cache back to before the rejected drafts, positions a sliding
    // window may already have dropped: the run would fail part way through
    if (!drafter.empty() && args.value("kv") == "sliding")
        throw InvalidArgument(drafter +
                              ": speculative sampling rolls the KV cache back past rejected drafts, "
                              "which --kv sliding may already have evicted: use --kv contiguous or paged");
    for (const char* name : kDraftParameters)
        if (args.has(name) && drafter.empty())
            throw InvalidArgument(std::string("--") + name +
                                  " tunes speculative sampling: add --draft-model FILE, --draft ngram or "
                                  "--draft-table FILE");
    if (args.has("max-matching-ngram-size") && drafter != "--draft")
        throw InvalidArgument("--max-matching-ngram-size tunes prompt lookup (--draft ngram), not " + drafter);
    return drafter;
}

GenerationConfig draft_config(const Args& args, GenerationConfig c) {
    // integers are range-checked loosely here; validate() states the real ranges
    c.num_draft_tokens = args.integer("num-draft-tokens", c.num_draft_tokens, kIntMin, kIntMax);
    if (args.has("draft-schedule")) c.draft_schedule = parse_draft_schedule(args.value("draft-schedule"));
    c.max_matching_ngram_size = args.integer("max-matching-ngram-size", c.max_matching_ngram_size, kIntMin, kIntMax);
    c.validate();
    return c;
}

}  // namespace dlab
