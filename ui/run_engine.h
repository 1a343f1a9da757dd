// What a live run decodes with: a neural model (embedded or a file) with its tokenizer and
// CPU backend, or a table model with its codec and table backend. The GUI's counterpart of
// the CLI's LoadedEngine; built and used on the run controller's worker thread.
#pragma once

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
    // attention. Throws dlab::Error with a message naming the file or option at fault.
    explicit RunEngine(const RunRequest& request);

    dlab::Backend& backend() { return *m_backend; }
    const dlab::TextCodec& codec() const { return *m_codec; }
    const dlab::SessionOptions& sessionOptions() const { return m_options; }

private:
    std::optional<dlab::Model> m_model;
    std::optional<dlab::Tokenizer> m_tokenizer;
    std::optional<dlab::TableModel> m_table;
    std::unique_ptr<dlab::TableCodec> m_tableCodec;
    std::unique_ptr<dlab::Backend> m_backend;
    const dlab::TextCodec* m_codec = nullptr;
    dlab::SessionOptions m_options;
};
