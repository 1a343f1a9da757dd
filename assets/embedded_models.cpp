#include "embedded_models.h"

#include "common/error.h"

// The GGUF files are pulled into .rodata by the assembler; CMake passes their paths and
// rebuilds this file when they change.
#define DLAB_EMBED(symbol, path)                  \
    __asm__(".section .rodata\n"                  \
            ".balign 64\n"                        \
            ".global " #symbol "\n" #symbol ":\n" \
            ".incbin \"" path "\"\n"              \
            ".global " #symbol "_end\n" #symbol "_end:\n" \
            ".previous\n")

#ifdef DLAB_STORIES_TARGET_GGUF
DLAB_EMBED(dlab_stories_target, DLAB_STORIES_TARGET_GGUF);
DLAB_EMBED(dlab_stories_draft, DLAB_STORIES_DRAFT_GGUF);

extern "C" const unsigned char dlab_stories_target[], dlab_stories_target_end[];
extern "C" const unsigned char dlab_stories_draft[], dlab_stories_draft_end[];
#endif

namespace dlab {

const std::vector<EmbeddedModel>& embedded_models() {
    static const std::vector<EmbeddedModel> models = {
#ifdef DLAB_STORIES_TARGET_GGUF
        {"stories-target", "children's-story Llama trained for DecodeLab (the default)", dlab_stories_target,
         size_t(dlab_stories_target_end - dlab_stories_target)},
        {"stories-draft", "its small draft model, same tokenizer (speculative sampling)", dlab_stories_draft,
         size_t(dlab_stories_draft_end - dlab_stories_draft)},
#endif
    };
    return models;
}

Model load_model_or_embedded(const std::string& path_or_name, const LoadOptions& options) {
    const std::string prefix = kEmbeddedPrefix;
    if (path_or_name.rfind(prefix, 0) != 0) return load_model(path_or_name, options);
    const std::string name = path_or_name.substr(prefix.size());
    std::string known;
    for (const EmbeddedModel& m : embedded_models()) {
        if (name == m.name) return load_model_from_memory(path_or_name, m.data, m.size);
        known += std::string(known.empty() ? "" : ", ") + prefix + m.name;
    }
    throw InvalidArgument("no embedded model '" + name + "' (embedded: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace dlab
