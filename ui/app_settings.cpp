#include "app_settings.h"

#include <QFileInfo>
#include <QSettings>

namespace {

const char* const kRecentFilesKey = "recentFiles";

}  // namespace

QStringList AppSettings::recentFiles() { return QSettings().value(kRecentFilesKey).toStringList(); }

void AppSettings::addRecentFile(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = recentFiles();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    QSettings().setValue(kRecentFilesKey, files);
}

void AppSettings::removeRecentFile(const QString& path) {
    QStringList files = recentFiles();
    files.removeAll(QFileInfo(path).absoluteFilePath());
    QSettings().setValue(kRecentFilesKey, files);
}
