// The settings DecodeLab keeps between sessions (QSettings under the application's
// organization and name): the recent trace files. The window and the run panel keep their
// own state under their own groups.
#pragma once

#include <QStringList>

class AppSettings {
public:
    static constexpr int kMaxRecentFiles = 8;

    // Most recent first.
    static QStringList recentFiles();
    // Moves `path` to the front, dropping the oldest beyond kMaxRecentFiles.
    static void addRecentFile(const QString& path);
    static void removeRecentFile(const QString& path);
};
