// The run panel's "Speculative sampling" (投机采样) group: the drafter — none, a draft model
// (草稿模型; the embedded draft or a chosen file), prompt lookup (n-gram) or a draft table
// paired with a table model — with γ, the draft schedule and prompt lookup's longest n-gram.
// Only greedy search and sampling can draft; for the other strategies, and for a drafter
// the model cannot use, the group says why. Remembered with QSettings like the panel.
#pragma once

#include <QGroupBox>

#include "decoding/generation_config.h"
#include "run_request.h"

class QComboBox;
class QFormLayout;
class QLabel;
class QSettings;
class QSpinBox;

class SpeculativeSettings : public QGroupBox {
    Q_OBJECT

public:
    explicit SpeculativeSettings(QWidget* parent = nullptr);

    // Offers every table (*.json) in `directory` as a draft table.
    void addDraftTables(const QString& directory);
    // What the run decodes with: a neural model drafts with a model or prompt lookup, a
    // table model with a draft table (its pair "…-draft.json" is chosen when listed); only
    // greedy search and sampling draft at all.
    void setTarget(const QString& model, bool table, dlab::StrategyKind strategy);

    // The drafter and its parameters into `request`, whose model and strategy are set;
    // false with the reason when the chosen drafter cannot run with them.
    bool apply(RunRequest* request, QString* error) const;
    // Shows a request's drafter and parameters.
    void setRequest(const RunRequest& request);

    // In the settings' current group.
    void saveSettings(QSettings& settings) const;
    void restoreSettings(QSettings& settings);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void updateControls();
    void onFileActivated(QComboBox* combo, bool table, int index);
    int addEntry(QComboBox* combo, const QString& model, bool table);
    static QString entryLabel(const QString& model, bool table);
    bool strategyCanDraft() const;

    QComboBox* m_drafter;
    QComboBox* m_draftModel;
    QComboBox* m_draftTable;
    QSpinBox* m_gamma;
    QComboBox* m_schedule;
    QSpinBox* m_ngram;
    QLabel* m_note;
    QFormLayout* m_form;
    QString m_targetModel;
    bool m_targetTable = false;
    dlab::StrategyKind m_strategy = dlab::StrategyKind::Greedy;
    int m_lastModelIndex = 0;
    int m_lastTableIndex = 0;
};
