// A loaded model: hyper-parameters, F32 weights, the vocabulary when the file carries one,
// and a description of the tensors as stored (for `inspect`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/config.h"
#include "model/weights.h"
#include "tokenizer/vocab.h"

namespace dlab {

enum class ModelFormat { Gguf, Llama2c };

// One tensor as stored in the file, before dequantization.
struct TensorSummary {
    std::string name;
    std::string type;             // "F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"
    std::vector<int64_t> shape;   // GGUF order: shape[0] is the contiguous dimension
    uint64_t bytes = 0;           // bytes as stored
};

struct Model {
    std::string path;
    ModelFormat format = ModelFormat::Gguf;
    uint32_t format_version = 0;          // GGUF version, or 0 for llama2.c
    ModelConfig config;
    ModelWeights weights;
    std::optional<Vocab> vocab;           // absent when the file carries no tokenizer
    std::string tokenizer_kind;           // "llama" (SentencePiece BPE), or "" when absent
    std::vector<TensorSummary> tensors;   // in file order
};

struct LoadOptions {
    // llama2.c checkpoints carry no vocabulary; when empty, "tokenizer.bin" beside the
    // checkpoint is used if it exists.
    std::string llama2c_tokenizer_path;
};

// Loads a GGUF (v2/v3, architecture llama) or llama2.c checkpoint, chosen by the file's
// magic. Throws FormatError / UnsupportedError whose message starts with the path.
Model load_model(const std::string& path, const LoadOptions& options = {});

// Loads a GGUF model held in memory (a model compiled into the program); `name` stands
// for the path in messages. `data` must outlive the call only (weights are copied).
Model load_model_from_memory(const std::string& name, const uint8_t* data, size_t size);

}  // namespace dlab
