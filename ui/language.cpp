#include "language.h"

#include <QAction>
#include <QActionGroup>
#include <QEvent>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QPointer>
#include <QSettings>
#include <QTranslator>
#include <memory>

const QString Language::kEnglish = QStringLiteral("en");
const QString Language::kChinese = QStringLiteral("zh_CN");

namespace {

const QString kSettingsKey = QStringLiteral("language");

// The translators installed now (none before the first switch): ours and Qt's dialogs'.
QPointer<QTranslator> g_ours;
QPointer<QTranslator> g_qt;
QString g_current = Language::kEnglish;

// The language's name in the language shown now, for "follow the system (…)".
QString translatedName(const QString& code) {
    return code == Language::kChinese ? Language::tr("Simplified Chinese") : Language::tr("English");
}

// Follows the system or one language; unchecks and rechecks as the pick changes elsewhere.
class LanguageMenu : public QMenu {
public:
    explicit LanguageMenu(QWidget* parent) : QMenu(parent), m_group(new QActionGroup(this)) {
        m_system = addAction(QString());
        m_system->setData(QString());
        addSeparator();
        for (const QString& code : Language::available()) {
            QAction* action = addAction(Language::nativeName(code));
            action->setData(code);
        }
        for (QAction* action : actions()) {
            if (action->isSeparator()) continue;
            action->setCheckable(true);
            m_group->addAction(action);
        }
        connect(m_group, &QActionGroup::triggered, this,
                [](QAction* action) { Language::choose(action->data().toString()); });
        connect(this, &QMenu::aboutToShow, this, [this] { checkPick(); });
        retranslate();
    }

protected:
    void changeEvent(QEvent* event) override {
        QMenu::changeEvent(event);
        if (event->type() == QEvent::LanguageChange) retranslate();
    }

private:
    void retranslate() {
        setTitle(Language::tr("&Language"));
        m_system->setText(
            Language::tr("Follow the system (%1)").arg(translatedName(Language::systemLanguage())));
        checkPick();
    }

    void checkPick() {
        const QString pick = Language::chosen();
        for (QAction* action : m_group->actions()) action->setChecked(action->data().toString() == pick);
    }

    QActionGroup* m_group;
    QAction* m_system;
};

}  // namespace

QStringList Language::available() { return {kEnglish, kChinese}; }

QString Language::match(const QStringList& uiLanguages) {
    for (const QString& language : uiLanguages) {
        // zh-Hant readers get the simplified text too: the book is in Chinese, and closer than English
        if (language.startsWith(QLatin1String("zh"))) return kChinese;
        if (language.startsWith(QLatin1String("en"))) return kEnglish;
    }
    return kEnglish;
}

QString Language::systemLanguage() { return match(QLocale::system().uiLanguages()); }

QString Language::chosen() {
    const QString code = QSettings().value(kSettingsKey).toString();
    return available().contains(code) ? code : QString();
}

bool Language::choose(const QString& code) {
    if (!code.isEmpty() && !available().contains(code)) return false;
    if (code.isEmpty())
        QSettings().remove(kSettingsKey);
    else
        QSettings().setValue(kSettingsKey, code);
    return apply(code.isEmpty() ? systemLanguage() : code);
}

void Language::applyPreferred() {
    const QString code = chosen();
    apply(code.isEmpty() ? systemLanguage() : code);
}

bool Language::apply(const QString& code) {
    if (!available().contains(code)) return false;
    // English is the source text; its translation only words plurals ("1 candidate", "2 candidates")
    auto ours = std::make_unique<QTranslator>(QCoreApplication::instance());
    if (!ours->load(QStringLiteral(":/i18n/decodelab_") + code)) return false;
    // Qt's own strings (dialog buttons, the file dialog) where the system has Qt's translations
    auto qt = std::make_unique<QTranslator>(QCoreApplication::instance());
    const bool haveQt = qt->load(QLocale(code), QStringLiteral("qtbase"), QStringLiteral("_"),
                                 QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    for (QTranslator* old : {g_ours.data(), g_qt.data()}) {
        if (!old) continue;
        QCoreApplication::removeTranslator(old);
        delete old;
    }
    g_ours = ours.release();
    QCoreApplication::installTranslator(g_ours);
    if (haveQt) {
        g_qt = qt.release();
        QCoreApplication::installTranslator(g_qt);
    }
    g_current = code;
    // the widgets get their LanguageChange posted; deliver it now so the switch is whole on return
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
    return true;
}

QString Language::current() { return g_current; }

QString Language::nativeName(const QString& code) {
    return code == kChinese ? QStringLiteral("简体中文") : QStringLiteral("English");
}

QMenu* createLanguageMenu(QWidget* parent) { return new LanguageMenu(parent); }
