// The Tutorials panel (教程): the lessons by title, the chosen lesson's text rendered from its
// Markdown in the interface language, and its runs, each with a "Load and run" button. It
// shows lessons and asks for runs; the lesson controller carries them out. The built-in
// lessons are copied out and loaded when the panel is first shown; "Open lesson folder…"
// adds a teacher's own. Also here: the classroom mode button and its auto-play pace.
#pragma once

#include <QWidget>
#include <vector>

#include "lesson_library.h"

class QAction;
class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QListWidget;
class QPushButton;
class QTextBrowser;
class QToolButton;

class TutorialsPanel : public QWidget {
    Q_OBJECT

public:
    explicit TutorialsPanel(QWidget* parent = nullptr);

    // Loads the built-in lessons the first time; false after reporting why (failed()).
    bool ensureLoaded();
    // Adds the lessons of a folder (LessonLibrary::addFolder) and shows the first; false
    // after reporting why.
    bool openLessonFolder(const QString& folder);

    const LessonLibrary& library() const { return m_library; }
    int currentLesson() const;
    void setCurrentLesson(int index);
    // The current lesson's run `run`'s Load and run button; nullptr when out of range.
    QPushButton* runButton(int run) const;
    QListWidget* lessonList() const { return m_lessons; }
    QTextBrowser* textBrowser() const { return m_text; }
    // Shows the quiz answers (the lessons' <details> blocks) in the text; off by default.
    QCheckBox* showAnswersBox() const { return m_showAnswers; }
    QAction* openFolderAction() const { return m_openFolder; }
    // Shows classroom mode's action as a button in the panel's bar.
    void setClassroomAction(QAction* action);
    // The chosen pace in ms per step; 0: the lesson's own.
    void setPace(int msPerStep);

Q_SIGNALS:
    void runRequested(int lesson, int run);
    void paceChosen(int msPerStep);
    void failed(const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void fillLessonList();
    void showLesson();
    void openFolderDialog();

    LessonLibrary m_library;
    bool m_loaded = false;
    QAction* m_openFolder;
    QToolButton* m_openFolderButton;
    QToolButton* m_classroomButton;
    QLabel* m_paceLabel;
    QComboBox* m_pace;
    QListWidget* m_lessons;
    QTextBrowser* m_text;
    QCheckBox* m_showAnswers;
    QLabel* m_runsLabel;
    QWidget* m_runs;
    QGridLayout* m_runGrid;
    std::vector<QLabel*> m_runTitles;        // [runs of the current lesson]
    std::vector<QPushButton*> m_runButtons;  // [runs of the current lesson]
};
