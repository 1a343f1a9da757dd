// llama2.c checkpoints (Karpathy's run.c "legacy" export, version 0): a 7×int32 header
// followed by float32 weights in a fixed order, with no tensor names or shapes; the
// vocabulary lives in a separate tokenizer.bin.
#pragma once

#include <cstdint>
#include <string>

#include "model/mapped_file.h"
#include "model/model.h"

namespace dlab {

struct Llama2cHeader {
    int32_t dim = 0;
    int32_t hidden_dim = 0;
    int32_t n_layers = 0;
    int32_t n_heads = 0;
    int32_t n_kv_heads = 0;
    int32_t vocab_size = 0;  // negative when the classifier is stored separately (untied)
    int32_t seq_len = 0;
};
constexpr size_t kLlama2cHeaderBytes = 7 * sizeof(int32_t);

// Reads the header at the start of `file`; false when the file is too short to hold one.
bool read_llama2c_header(const MappedFile& file, Llama2cHeader& header);

// Whether every header field is in a range a llama2.c model could have; tells llama2.c
// checkpoints apart from arbitrary files, which have no magic to check.
bool llama2c_header_plausible(const Llama2cHeader& header);

// Loads a checkpoint whose header is plausible: config, F32 weights, tensor summaries
// (llama2.c's names, GGUF-order shapes, layers stacked in the last dimension). Throws
// FormatError "PATH: truncated llama2.c checkpoint: expected N bytes, found M" (or
// trailing data) when the size disagrees with the header. The vocabulary is left empty.
Model load_llama2c(const MappedFile& file);

}  // namespace dlab
