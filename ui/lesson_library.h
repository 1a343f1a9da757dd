// Where the lessons come from: the ones built into the app (tutorials/ and the table models
// their scenarios use, as Qt resources under :/lessons) and the folders a teacher opens.
// load_scenario reads real files and resolves a scenario's paths against its folder, so the
// built-in lessons are copied out on first use into a temporary folder that keeps their
// layout (tutorials/NN-name/…, assets/tables/…) and lives as long as the library.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <memory>
#include <vector>

#include "scenario/scenario.h"

class QTemporaryDir;

class LessonLibrary {
    Q_DECLARE_TR_FUNCTIONS(LessonLibrary)

public:
    struct Lesson {
        dlab::Scenario scenario;
        bool builtIn = false;
    };

    LessonLibrary();
    ~LessonLibrary();

    // Copies out and loads the built-in lessons, the first time only; false with the reason
    // when they cannot be.
    bool loadBuiltIn(QString* error);
    // Where the built-in lessons were copied to; empty before loadBuiltIn.
    QString builtInRoot() const;

    // A teacher's lessons: the folder's scenario.json, or else the scenario.json of each of
    // its subfolders in name order (a folder of lessons). A lesson loaded before from the same
    // file is loaded again in its place. Returns the index of the first, or -1 with the
    // reason (the file and the problem) when there is none or one does not load; then no
    // lesson is added.
    int addFolder(const QString& folder, QString* error);

    const std::vector<Lesson>& lessons() const { return m_lessons; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::vector<Lesson> m_lessons;
};

// A lesson's text in `language` ("zh_CN", "en"), else in English, else the first there is.
QString localizedText(const dlab::LocalizedText& text, const QString& language);
