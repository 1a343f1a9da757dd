#include "draft_options.h"

#include <cstdio>
#include <limits>
#include <vector>

#include "common/error.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"

namespace dlab::cli {

namespace {

constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();

const char* const kDrafters[] = {"draft-model", "draft", "draft-table"};
const char* const kDraftParameters[] = {"num-draft-tokens", "draft-schedule", "max-matching-ngram-size"};

// Runs `load`, putting `option` before the message of any error it throws, so that a
// problem with the draft file is not taken for one with the target's.
template <class Load>
std::unique_ptr<LoadedEngine> naming(const std::string& option, Load load) {
    try {
        return load();
    } catch (const FormatError& e) {
        throw FormatError(option + ": " + e.what());
    } catch (const UnsupportedError& e) {
        throw UnsupportedError(option + ": " + e.what());
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(option + ": " + e.what());
    } catch (const Error& e) {
        throw Error(option + ": " + e.what());
    }
}

// A piece or symbol quoted for a one-line message: control bytes (byte tokens decode to
// them) written as \xNN.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
            out += escaped;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "'";
}

// The drafter proposes token ids that the target reads with its own tokenizer, so the two
// must agree on every id, not just on how many there are (the core checks only the count).
void check_same_vocabulary(const std::string& what, const std::vector<std::string>& draft,
                           const std::vector<std::string>& target, const char* unit) {
    const std::string need = " (speculative sampling needs the target's vocabulary)";
    if (draft.size() != target.size())
        throw InvalidArgument(what + ": the draft has " + std::to_string(draft.size()) + " " + unit +
                              "s but the target has " + std::to_string(target.size()) + need);
    for (size_t id = 0; id < draft.size(); ++id)
        if (draft[id] != target[id])
            throw InvalidArgument(what + ": " + unit + " " + std::to_string(id) + " is " + quoted(draft[id]) +
                                  " in the draft but " + quoted(target[id]) + " in the target" + need);
}

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

std::unique_ptr<LoadedDrafter> LoadedDrafter::load(const Args& args, const LoadedEngine& target,
                                                   const GenerationConfig& config, bool cuda) {
    const std::string option = drafter_option(args);
    if (option.empty()) return nullptr;
    auto loaded = std::unique_ptr<LoadedDrafter>(new LoadedDrafter());
    if (option == "--draft") {
        loaded->m_drafter = std::make_unique<NgramDrafter>(target.codec().vocab_size(), config.max_matching_ngram_size);
        return loaded;
    }
    const std::string file = args.value(option.substr(2));
    const bool table = option == "--draft-table";
    // a llama2.c draft shares the target's --tokenizer; its own KV cache is the default one
    loaded->m_engine = naming(option, [&] {
        return table ? LoadedEngine::load({}, file, {})
                     : LoadedEngine::load(file, {}, args.value("tokenizer"), KvConfig{}, AttentionConfig{}, cuda);
    });
    const std::string what = option + " " + file;
    if (table) {
        check_same_vocabulary(what, loaded->m_engine->table()->symbols, target.table()->symbols, "symbol");
    } else {
        check_same_vocabulary(what, loaded->m_engine->vocab()->tokens, target.vocab()->tokens, "token");
    }
    loaded->m_drafter = std::make_unique<ModelDrafter>(loaded->m_engine->backend(), table ? "table" : "model");
    return loaded;
}

}  // namespace dlab::cli
