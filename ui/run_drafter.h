// The drafter of a live speculative-sampling run (投机采样), built on the worker thread
// beside its target's RunEngine: the draft model (草稿模型) on a backend of its own — the
// CUDA GPU when the target runs there, else the CPU — or a draft table paired with a table
// target, or prompt lookup, which needs no model. The GUI's counterpart of the CLI's
// LoadedDrafter.
#pragma once

#include <QCoreApplication>
#include <memory>
#include <optional>

#include "engine/backend.h"
#include "engine/drafter.h"
#include "model/model.h"
#include "run_engine.h"
#include "run_request.h"
#include "table/table_model.h"

class RunDrafter {
    Q_DECLARE_TR_FUNCTIONS(RunDrafter)

public:
    // Loads what `request` drafts with for `target` (nothing for Drafter::None). Throws
    // dlab::Error naming the draft file when it cannot be loaded, when its vocabulary is not
    // the target's (a token's piece or a table's symbol differs), or when the drafter does
    // not suit the target (a draft model for a table model, a draft table for a neural one).
    RunDrafter(const RunRequest& request, const RunEngine& target);
    ~RunDrafter();

    // The drafter for SessionOptions::drafter; null without one.
    dlab::Drafter* drafter() const { return m_drafter.get(); }

private:
    std::optional<dlab::Model> m_model;
    std::optional<dlab::TableModel> m_table;
    std::unique_ptr<dlab::Backend> m_backend;  // the draft model's or table's; null for prompt lookup
    std::unique_ptr<dlab::Drafter> m_drafter;
};
