// The interface language: English, the source language, or Simplified Chinese (简体中文),
// the textbook's. The app follows the system unless the user picked a language in the
// Language menu; the pick is kept in QSettings. Switching installs the translation compiled
// into the library (:/i18n) and Qt's own where installed; Qt then sends every widget a
// LanguageChange event, on which it sets its texts again.
#pragma once

#include <QCoreApplication>
#include <QStringList>

class QMenu;
class QWidget;

class Language {
    Q_DECLARE_TR_FUNCTIONS(Language)

public:
    static const QString kEnglish;  // "en"
    static const QString kChinese;  // "zh_CN"

    // The languages the interface has, as codes like the above.
    static QStringList available();
    // The first of a user's preferred languages ("zh-Hans-CN", "en-US" … as
    // QLocale::uiLanguages gives them) that the interface has; English when none is.
    static QString match(const QStringList& uiLanguages);
    static QString systemLanguage();
    // The user's pick from the menu; empty when the interface follows the system.
    static QString chosen();
    // Keeps `code` as the pick (empty: follow the system) and switches to what it means.
    static bool choose(const QString& code);
    // At start-up: switches to the pick, or to the system's language.
    static void applyPreferred();

    // Switches the running application to `code` and lets every widget retranslate before
    // returning; false, with the language unchanged, when the code is unknown or its
    // translation does not load.
    static bool apply(const QString& code);
    static QString current();
    // The language's name in itself ("English", "简体中文"): how the menu lists it, so that
    // it can be found whatever the interface language is.
    static QString nativeName(const QString& code);
};

// The Language menu: follow the system, or one of the languages; the pick is checked. It
// retranslates itself.
QMenu* createLanguageMenu(QWidget* parent);
