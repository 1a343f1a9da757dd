// What a live run decodes with: a neural model (embedded or a file) with its tokenizer and
// CPU or CUDA backend (the request's Backend, resolved like the CLI's --backend), or a table
// model with its codec and table backend. The GUI's counterpart of
// the CLI's LoadedEngine; built and used on the run controller's worker thread.
#pragma once

#include <QString>
#include <memory>
#include <optional>

#include "engine/backend.h"
#include "engine/session.h"
#include "model/model.h"
#include "run_request.h"
#include "table/table_backend.h"
#include "table/table_model.h"
#include "tokenizer/tokenizer.h"

class RunEngine {
public:
    // Loads the request's model and builds its backend with the request's KV cache and
    // attention. Throws dlab::Error with a message naming the file or option at fault, or
    // why the CUDA GPU asked for cannot run it.
    explicit RunEngine(const RunRequest& request);

    // Why an Automatic backend runs on the CPU ("No CUDA device; running on the CPU"),
    // translated; empty when the run is where it was asked to be.
    const QString& backendNote() const { return m_backendNote; }

    dlab::Backend& backend() { return *m_backend; }
    const dlab::TextCodec& codec() const { return *m_codec; }
    const dlab::SessionOptions& sessionOptions() const { return m_options; }
    // The neural model's vocabulary, or the table model: null for the other kind. A draft
    // model or table is held against the target through these.
    const dlab::Vocab* vocab() const { return m_tokenizer ? &m_tokenizer->vocab() : nullptr; }
    const dlab::TableModel* table() const { return m_table ? &*m_table : nullptr; }
    // Whether the model runs on the CUDA GPU (a draft model goes where its target is).
    bool onCuda() const { return m_cuda; }

private:
    std::optional<dlab::Model> m_model;
    std::optional<dlab::Tokenizer> m_tokenizer;
    std::optional<dlab::TableModel> m_table;
    std::unique_ptr<dlab::TableCodec> m_tableCodec;
    std::unique_ptr<dlab::Backend> m_backend;
    const dlab::TextCodec* m_codec = nullptr;
    dlab::SessionOptions m_options;
    QString m_backendNote;
    bool m_cuda = false;
};
