#include "draft_loader.h"

#include <cstdio>
#include <vector>

#include "common/error.h"
#include "engine/model_drafter.h"
#include "engine/ngram_drafter.h"
#include "options/draft_options.h"

namespace dlab::cli {

namespace {

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
