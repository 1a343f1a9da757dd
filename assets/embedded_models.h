// The default models compiled into DecodeLab's programs, so that a fresh build runs the
// demo with no model file beside it.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace dlab {

struct EmbeddedModel {
    const char* name;         // "stories-target", "stories-draft"
    const char* description;
    const unsigned char* data;  // [size] GGUF bytes
    size_t size;
};

const std::vector<EmbeddedModel>& embedded_models();

// The model that runs when none is chosen.
constexpr const char* kDefaultModelName = "stories-target";
// How a model is named on the command line and in traces: "embedded:NAME".
constexpr const char* kEmbeddedPrefix = "embedded:";

// Loads "embedded:NAME" from the program, anything else from the file system. Throws
// InvalidArgument listing the embedded names when NAME is unknown.
Model load_model_or_embedded(const std::string& path_or_name, const LoadOptions& options = {});

}  // namespace dlab
