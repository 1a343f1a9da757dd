#include "lesson_library.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <algorithm>
#include <exception>

namespace {

const QString kResourceRoot = QStringLiteral(":/lessons");
const QString kScenarioFile = QStringLiteral("scenario.json");

// Copies every file under `from` to the same relative path under `to`.
bool copyTree(const QString& from, const QString& to, QString* error) {
    QDirIterator files(from, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString source = files.next();
        const QString target = to + source.mid(from.size());
        if (!QDir().mkpath(QFileInfo(target).path()) || !QFile::copy(source, target)) {
            *error = LessonLibrary::tr("Cannot copy the lesson file %1 to %2").arg(source, target);
            return false;
        }
        // resources copy out read-only; the folder must be removable afterwards
        QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    }
    return true;
}

// Loads every scenario in `paths`; false with the first file's problem.
bool loadAll(const QStringList& paths, bool builtIn, std::vector<LessonLibrary::Lesson>* lessons,
             QString* error) {
    for (const QString& path : paths) {
        try {
            lessons->push_back({dlab::load_scenario(QDir::toNativeSeparators(path).toStdString()), builtIn});
        } catch (const std::exception& e) {
            *error = LessonLibrary::tr("Cannot load the lesson:\n%1").arg(QString::fromUtf8(e.what()));
            return false;
        }
    }
    return true;
}

// The scenario of `folder`, or else those of its subfolders in name order.
QStringList scenarioFiles(const QString& folder) {
    const QDir dir(folder);
    if (dir.exists(kScenarioFile)) return {dir.absoluteFilePath(kScenarioFile)};
    QStringList files;
    for (const QString& sub : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
        if (QFileInfo::exists(dir.filePath(sub + QLatin1Char('/') + kScenarioFile)))
            files << dir.absoluteFilePath(sub + QLatin1Char('/') + kScenarioFile);
    return files;
}

}  // namespace

LessonLibrary::LessonLibrary() = default;

LessonLibrary::~LessonLibrary() = default;

QString LessonLibrary::builtInRoot() const { return m_dir ? m_dir->path() : QString(); }

bool LessonLibrary::loadBuiltIn(QString* error) {
    if (m_dir) return true;
    auto dir = std::make_unique<QTemporaryDir>();
    if (!dir->isValid()) {
        *error = tr("Cannot make a temporary folder for the lessons: %1").arg(dir->errorString());
        return false;
    }
    if (!copyTree(kResourceRoot, dir->path(), error)) return false;
    std::vector<Lesson> lessons;
    if (!loadAll(scenarioFiles(dir->path() + QStringLiteral("/tutorials")), true, &lessons, error))
        return false;
    m_dir = std::move(dir);
    // built in first, before any folder opened earlier
    m_lessons.insert(m_lessons.begin(), lessons.begin(), lessons.end());
    return true;
}

int LessonLibrary::addFolder(const QString& folder, QString* error) {
    const QStringList files = scenarioFiles(folder);
    if (files.isEmpty()) {
        *error = tr("%1 holds no lesson: a lesson folder has a scenario.json")
                     .arg(QDir::toNativeSeparators(folder));
        return -1;
    }
    std::vector<Lesson> added;
    if (!loadAll(files, false, &added, error)) return -1;
    int first = -1;
    for (Lesson& lesson : added) {
        auto same = std::find_if(m_lessons.begin(), m_lessons.end(), [&](const Lesson& l) {
            return !l.builtIn && l.scenario.path == lesson.scenario.path;
        });
        int index = int(same - m_lessons.begin());
        if (same != m_lessons.end()) {
            *same = std::move(lesson);
        } else {
            m_lessons.push_back(std::move(lesson));
            index = int(m_lessons.size()) - 1;
        }
        if (first < 0) first = index;
    }
    return first;
}

QString localizedText(const dlab::LocalizedText& text, const QString& language) {
    for (const std::string& code : {language.toStdString(), std::string("en")})
        if (auto it = text.find(code); it != text.end()) return QString::fromStdString(it->second);
    return text.empty() ? QString() : QString::fromStdString(text.begin()->second);
}
