// Everything one live run needs: what the run panel's settings map to and the run
// controller's worker consumes. A value type, copied onto the worker thread.
#pragma once

#include <QString>

#include "attention/attention_config.h"
#include "decoding/generation_config.h"
#include "engine/backend_choice.h"
#include "kv/kv_config.h"

struct RunRequest {
    // "embedded:NAME", a GGUF or llama2.c file, or a table model (.json) when `table` is set
    QString model = QStringLiteral("embedded:stories-target");
    bool table = false;
    QString llama2cTokenizer;  // empty: tokenizer.bin beside a llama2.c checkpoint
    QString prompt = QStringLiteral("Once upon a time");
    dlab::GenerationConfig generation;
    dlab::KvConfig kv;
    dlab::AttentionConfig attention;
    // a neural model's backend: Auto takes the CUDA GPU when the build has it, a device is
    // present and the KV cache and attention run there; a table model ignores it
    dlab::BackendChoice backend = dlab::BackendChoice::Auto;

    // speculative sampling (投机采样): the drafter the worker builds, none for plain decoding;
    // its γ, schedule and n-gram size are in `generation`
    enum class Drafter { None, Model, PromptLookup, Table };
    Drafter drafter = Drafter::None;
    // Model: "embedded:NAME" or a model file with the target's vocabulary (a neural target,
    // on the target's backend); Table: a draft table with the target table's symbols
    QString draft = QStringLiteral("embedded:stories-draft");
};
