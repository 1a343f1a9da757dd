// The run's settings: model, backend (Automatic, CPU, CUDA GPU), prompt, strategy and its
// parameters (only the chosen strategy's are shown), speculative sampling's drafter, length
// and seed, KV cache layout and attention, and Run/Stop. Maps to a RunRequest
// (GenerationConfig, KvConfig, AttentionConfig, BackendChoice, drafter); the last settings
// are remembered with QSettings.
#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

#include "run_request.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLineEdit;
class QPushButton;
class QSpinBox;
class SpeculativeSettings;

class RunPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunPanel(QWidget* parent = nullptr);

    // Offers every table model (*.json) in `directory` in the model list, and as a draft table.
    void addTableModels(const QString& directory);
    // Selects a model file (GGUF, llama2.c checkpoint, or a table model when it ends in
    // .json), adding it to the list.
    void setModelFile(const QString& path);
    // Selects an entry already in the list by its model string ("embedded:stories-draft").
    bool selectModel(const QString& model);

    // The settings as a request; false with the message naming the parameter when a value
    // is out of range (GenerationConfig/KvConfig validation).
    bool request(RunRequest* request, QString* error) const;
    // Shows a request's settings in the controls (the demo, a test's run).
    void setRequest(const RunRequest& request);

    void setRunning(bool running);

    void saveSettings() const;
    void restoreSettings();

Q_SIGNALS:
    void runRequested();
    void stopRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void onModelActivated(int index);
    void updateVisibleParameters();
    // Tells the speculative group what the run decodes with.
    void updateSpeculative();
    // The model list's name for a model string: the embedded models', a table's, a file's name.
    static QString modelLabel(const QString& model, bool table);
    int addModelEntry(const QString& model, bool table);

    QComboBox* m_model;
    QComboBox* m_backend;
    QLineEdit* m_prompt;
    QComboBox* m_strategy;
    QWidget* m_beamPage;
    QWidget* m_contrastivePage;
    QWidget* m_samplePage;
    // beam search
    QSpinBox* m_numBeams;
    QDoubleSpinBox* m_lengthPenalty;
    QComboBox* m_earlyStopping;
    QSpinBox* m_beamReturnSequences;
    // contrastive search
    QDoubleSpinBox* m_penaltyAlpha;
    QSpinBox* m_contrastiveTopK;
    // sampling
    QDoubleSpinBox* m_temperature;
    QSpinBox* m_topK;
    QDoubleSpinBox* m_topP;
    QDoubleSpinBox* m_minP;
    QDoubleSpinBox* m_typicalP;
    QDoubleSpinBox* m_repetitionPenalty;
    QSpinBox* m_noRepeatNgram;
    QSpinBox* m_sampleReturnSequences;
    QComboBox* m_chainOrder;
    // length and randomness
    QSpinBox* m_maxNewTokens;
    QSpinBox* m_seed;
    QCheckBox* m_stopAtEos;
    // KV cache
    QFormLayout* m_kvForm;
    QComboBox* m_kvKind;
    QSpinBox* m_maxSeqLen;
    QSpinBox* m_blockSize;
    QSpinBox* m_numBlocks;
    QCheckBox* m_prefixCaching;
    QSpinBox* m_window;
    QSpinBox* m_sinkTokens;
    // attention
    QFormLayout* m_attentionForm;
    QComboBox* m_attentionKind;
    QComboBox* m_devicePreset;
    QSpinBox* m_sramBytes;
    QSpinBox* m_tileRows;
    QSpinBox* m_tileCols;
    QSpinBox* m_highlightRow;

    QGroupBox* m_runBox;
    QGroupBox* m_strategyBox;
    QGroupBox* m_kvBox;
    QGroupBox* m_attentionBox;
    SpeculativeSettings* m_speculative;
    QPushButton* m_run;
    QPushButton* m_stop;
    int m_lastModelIndex = 0;
    // Settings key → the control that holds it, for QSettings.
    QList<QPair<QString, QWidget*>> m_persisted;
};
