#include "tutorials_panel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

#include "language.h"
#include "lesson_markdown.h"

namespace {

// The paces offered besides the lesson's own, in ms per step.
constexpr int kPaces[] = {500, 1000, 1500, 2000, 3000, 5000};

// "01-greedy-vs-beam" → 1; 0 for a folder without a number.
int lessonNumber(const dlab::Scenario& scenario) {
    const QString folder = QString::fromStdString(scenario.lesson);
    int digits = 0;
    while (digits < folder.size() && folder[digits].isDigit()) ++digits;
    return folder.left(digits).toInt();
}

}  // namespace

TutorialsPanel::TutorialsPanel(QWidget* parent)
    : QWidget(parent),
      m_openFolder(new QAction(this)),
      m_openFolderButton(new QToolButton),
      m_classroomButton(new QToolButton),
      m_paceLabel(new QLabel),
      m_pace(new QComboBox),
      m_lessons(new QListWidget),
      m_text(new QTextBrowser),
      m_showAnswers(new QCheckBox),
      m_runsLabel(new QLabel),
      m_runs(new QWidget),
      m_runGrid(new QGridLayout(m_runs)) {
    m_openFolderButton->setDefaultAction(m_openFolder);
    m_classroomButton->hide();
    m_pace->addItem(QString(), 0);
    for (int ms : kPaces) m_pace->addItem(QString(), ms);
    m_paceLabel->setBuddy(m_pace);
    m_text->setOpenExternalLinks(true);
    m_runGrid->setColumnStretch(0, 1);

    // two rows, so that the panel stays narrow at classroom mode's font size
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_openFolderButton);
    bar->addWidget(m_classroomButton);
    bar->addStretch(1);
    auto* paceRow = new QHBoxLayout;
    paceRow->addWidget(m_paceLabel);
    paceRow->addWidget(m_pace);
    paceRow->addStretch(1);
    paceRow->addWidget(m_showAnswers);

    // the runs under the text, scrolling when a lesson has many
    auto* runsScroll = new QScrollArea;
    runsScroll->setWidget(m_runs);
    runsScroll->setWidgetResizable(true);
    runsScroll->setFrameShape(QFrame::NoFrame);
    auto* runsBox = new QWidget;
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->addWidget(m_runsLabel);
    runsLayout->addWidget(runsScroll, 1);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_lessons);
    splitter->addWidget(m_text);
    splitter->addWidget(runsBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 4);
    splitter->setStretchFactor(2, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(paceRow);
    layout->addWidget(splitter, 1);

    connect(m_openFolder, &QAction::triggered, this, &TutorialsPanel::openFolderDialog);
    connect(m_lessons, &QListWidget::currentRowChanged, this, &TutorialsPanel::showLesson);
    connect(m_showAnswers, &QCheckBox::toggled, this, &TutorialsPanel::showLesson);
    connect(m_pace, &QComboBox::activated, this,
            [this] { Q_EMIT paceChosen(m_pace->currentData().toInt()); });
    retranslate();
}

void TutorialsPanel::setClassroomAction(QAction* action) {
    m_classroomButton->setDefaultAction(action);
    m_classroomButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_classroomButton->show();
}

void TutorialsPanel::setPace(int msPerStep) {
    const int index = m_pace->findData(msPerStep);
    m_pace->setCurrentIndex(index >= 0 ? index : 0);
}

void TutorialsPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    ensureLoaded();
}

bool TutorialsPanel::ensureLoaded() {
    if (m_loaded) return true;
    // tried once: a failure is reported once, not at every show
    m_loaded = true;
    QString error;
    const bool ok = m_library.loadBuiltIn(&error);
    fillLessonList();
    if (m_lessons->currentRow() < 0 && m_lessons->count() > 0) m_lessons->setCurrentRow(0);
    if (!ok) Q_EMIT failed(error);
    return ok;
}

bool TutorialsPanel::openLessonFolder(const QString& folder) {
    ensureLoaded();
    QString error;
    const int first = m_library.addFolder(folder, &error);
    if (first < 0) {
        Q_EMIT failed(error);
        return false;
    }
    fillLessonList();
    setCurrentLesson(first);
    // the same row may hold a lesson loaded again
    showLesson();
    return true;
}

void TutorialsPanel::openFolderDialog() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open lesson folder"));
    if (!folder.isEmpty()) openLessonFolder(folder);
}

int TutorialsPanel::currentLesson() const { return m_lessons->currentRow(); }

void TutorialsPanel::setCurrentLesson(int index) { m_lessons->setCurrentRow(index); }

QPushButton* TutorialsPanel::runButton(int run) const {
    return run >= 0 && run < int(m_runButtons.size()) ? m_runButtons[size_t(run)] : nullptr;
}

void TutorialsPanel::fillLessonList() {
    const QString language = Language::current();
    const auto& lessons = m_library.lessons();
    for (int i = 0; i < int(lessons.size()); ++i) {
        const dlab::Scenario& scenario = lessons[size_t(i)].scenario;
        const QString title = localizedText(scenario.title, language);
        const int number = lessonNumber(scenario);
        QListWidgetItem* item = i < m_lessons->count() ? m_lessons->item(i) : new QListWidgetItem(m_lessons);
        item->setText(number > 0 ? tr("%1. %2").arg(number).arg(title) : title);
        // a teacher's lesson says where it came from
        if (!lessons[size_t(i)].builtIn)
            item->setToolTip(QDir::toNativeSeparators(QString::fromStdString(scenario.path)));
    }
}

void TutorialsPanel::showLesson() {
    for (QLabel* label : m_runTitles) delete label;
    for (QPushButton* button : m_runButtons) delete button;
    m_runTitles.clear();
    m_runButtons.clear();
    const int index = currentLesson();
    if (index < 0 || index >= int(m_library.lessons().size())) {
        m_text->clear();
        return;
    }
    const dlab::Scenario& scenario = m_library.lessons()[size_t(index)].scenario;
    const QString language = Language::current();

    QString file;
    for (const QString& code : {language, Language::kEnglish})
        if (auto it = scenario.lesson_files.find(code.toStdString());
            file.isEmpty() && it != scenario.lesson_files.end())
            file = QString::fromStdString(it->second);
    QFile markdown(file);
    if (markdown.open(QIODevice::ReadOnly | QIODevice::Text)) {
        // pictures and links relative to the lesson's folder
        m_text->setSearchPaths({QFileInfo(file).absolutePath()});
        m_text->setMarkdown(lessonMarkdown(QString::fromUtf8(markdown.readAll()), m_showAnswers->isChecked(),
                                           tr("The answers are hidden: tick “Show answers” above.")));
    } else {
        m_text->setPlainText(tr("Cannot read the lesson text %1").arg(QDir::toNativeSeparators(file)));
    }

    for (int run = 0; run < int(scenario.runs.size()); ++run) {
        const dlab::ScenarioRun& r = scenario.runs[size_t(run)];
        QString text = tr("%1. %2").arg(run + 1).arg(localizedText(r.title, language));
        if (!r.pause_at.empty()) {
            QStringList steps;
            for (int step : r.pause_at) steps << QString::number(step);
            text +=
                QLatin1Char('\n') + (steps.size() == 1 ? tr("Pauses at step %1") : tr("Pauses at steps %1"))
                                        .arg(steps.join(tr(", ")));
        }
        auto* title = new QLabel(text);
        title->setWordWrap(true);
        auto* button = new QPushButton(tr("Load and run"));
        button->setToolTip(tr("Set the run panel to this run's settings, open its views and start it"));
        connect(button, &QPushButton::clicked, this, [this, index, run] { Q_EMIT runRequested(index, run); });
        m_runGrid->addWidget(title, run, 0);
        m_runGrid->addWidget(button, run, 1, Qt::AlignTop);
        m_runTitles.push_back(title);
        m_runButtons.push_back(button);
    }
}

void TutorialsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

void TutorialsPanel::retranslate() {
    m_openFolder->setText(tr("Open lesson folder…"));
    m_openFolder->setToolTip(
        tr("Add a lesson of your own: a folder with a scenario.json and its lesson texts"));
    m_paceLabel->setText(tr("Auto-play pace"));
    m_showAnswers->setText(tr("Show answers"));
    m_showAnswers->setToolTip(tr("Show the quiz answers in the lesson text"));
    m_pace->setToolTip(tr("How fast classroom mode plays the steps"));
    m_pace->setItemText(0, tr("The lesson's"));
    for (int i = 1; i < m_pace->count(); ++i)
        m_pace->setItemText(
            i, tr("%1 s per step").arg(QLocale().toString(m_pace->itemData(i).toInt() / 1000.0)));
    m_lessons->setToolTip(tr("The lessons; choose one to read it and see its runs"));
    m_runsLabel->setText(tr("Runs"));
    // the lessons' own texts in the new language
    fillLessonList();
    showLesson();
}
