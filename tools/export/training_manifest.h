// Reads what tools/train/write_manifest.py writes: a JSON manifest (hyper-parameters,
// tensor names/shapes/offsets, the SentencePiece vocabulary) and the little-endian F32
// blob beside it, and assembles a dlab::Model ready for the GGUF and llama2.c writers.
#pragma once

#include <string>

#include "model/model.h"

namespace dlab {

// Throws FormatError naming the manifest or blob when a field is missing or mistyped, a
// tensor is unknown, missing, duplicated, mis-shaped or out of the blob's range, or the
// vocabulary disagrees with the hyper-parameters.
Model read_training_manifest(const std::string& manifest_path);

}  // namespace dlab
