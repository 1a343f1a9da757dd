#include "presentation.h"

#include <QActionGroup>
#include <QApplication>
#include <QEvent>
#include <QFont>
#include <QMenu>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <functional>

namespace {

const QString kFontScaleKey = QStringLiteral("presentation/fontScale");
const QString kThemeKey = QStringLiteral("presentation/theme");

// What the application had before Presentation changed anything: scales and themes start
// from it, so that switching back and forth never compounds.
struct Original {
    QFont font = QApplication::font();
    QString styleName = QApplication::style()->name();
};

Original& original() {
    static Original saved;
    return saved;
}

int g_fontScale = 100;
Presentation::Theme g_theme = Presentation::Theme::System;

QPalette darkPalette() {
    // Fusion's roles on dark greys, with a blue that keeps contrast on both text and base
    const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230), disabled(130, 130, 130);
    const QColor highlight(42, 130, 218);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, window);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, window.lighter(150));
    p.setColor(QPalette::Midlight, window.lighter(125));
    p.setColor(QPalette::Mid, window.darker(125));
    p.setColor(QPalette::Dark, window.darker(150));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Link, highlight.lighter(130));
    p.setColor(QPalette::LinkVisited, highlight.lighter(110));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

QString themeName(Presentation::Theme theme) {
    switch (theme) {
        case Presentation::Theme::Light:
            return Presentation::tr("Light");
        case Presentation::Theme::Dark:
            return Presentation::tr("Dark");
        case Presentation::Theme::System:
            break;
    }
    return Presentation::tr("System");
}

// A menu of checkable choices, one per value, that sets its texts again on a language change.
class ChoiceMenu : public QMenu {
public:
    using Texts = std::function<void(QMenu* menu, const QList<QAction*>& choices)>;

    ChoiceMenu(QWidget* parent, const QVariantList& values, std::function<QVariant()> current,
               std::function<void(const QVariant&)> choose, Texts texts)
        : QMenu(parent), m_group(new QActionGroup(this)), m_texts(std::move(texts)) {
        for (const QVariant& value : values) {
            QAction* action = addAction(QString());
            action->setCheckable(true);
            action->setData(value);
            m_group->addAction(action);
        }
        const auto check = [this, current = std::move(current)] {
            const QVariant now = current();
            for (QAction* action : m_group->actions()) action->setChecked(action->data() == now);
        };
        check();
        connect(this, &QMenu::aboutToShow, this, check);
        connect(m_group, &QActionGroup::triggered, this,
                [choose = std::move(choose)](QAction* action) { choose(action->data()); });
        m_texts(this, m_group->actions());
    }

protected:
    void changeEvent(QEvent* event) override {
        QMenu::changeEvent(event);
        if (event->type() == QEvent::LanguageChange) m_texts(this, m_group->actions());
    }

private:
    QActionGroup* m_group;
    Texts m_texts;
};

}  // namespace

const QList<int>& Presentation::fontScales() {
    static const QList<int> scales{100, 125, 150, 200};
    return scales;
}

void Presentation::setFontScale(int percent, bool remember) {
    QFont font = original().font;
    // a font sized in pixels (some platforms) scales in pixels
    if (font.pointSizeF() > 0)
        font.setPointSizeF(font.pointSizeF() * percent / 100.0);
    else
        font.setPixelSize(qRound(font.pixelSize() * percent / 100.0));
    QApplication::setFont(font);
    g_fontScale = percent;
    if (remember) QSettings().setValue(kFontScaleKey, percent);
}

int Presentation::fontScale() { return g_fontScale; }

void Presentation::setTheme(Theme theme) {
    const Original& before = original();
    if (theme == Theme::Dark) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(darkPalette());
    } else {
        if (QStyle* style = QStyleFactory::create(before.styleName)) QApplication::setStyle(style);
        // an empty palette resolves every role from the platform again, and keeps following it
        QApplication::setPalette(theme == Theme::Light ? QApplication::style()->standardPalette()
                                                       : QPalette());
    }
    g_theme = theme;
    QSettings().setValue(kThemeKey, int(theme));
}

Presentation::Theme Presentation::theme() { return g_theme; }

void Presentation::restoreSaved() {
    const QSettings settings;
    const int scale = settings.value(kFontScaleKey, 100).toInt();
    if (fontScales().contains(scale) && scale != 100) setFontScale(scale);
    const int theme = settings.value(kThemeKey, int(Theme::System)).toInt();
    if (theme == int(Theme::Light) || theme == int(Theme::Dark)) setTheme(Theme(theme));
}

QMenu* createFontScaleMenu(QWidget* parent) {
    QVariantList scales;
    for (int percent : Presentation::fontScales()) scales << percent;
    return new ChoiceMenu(
        parent, scales, [] { return QVariant(Presentation::fontScale()); },
        [](const QVariant& percent) { Presentation::setFontScale(percent.toInt()); },
        [](QMenu* menu, const QList<QAction*>& choices) {
            menu->setTitle(Presentation::tr("&Font size (for projectors)"));
            for (QAction* action : choices)
                action->setText(Presentation::tr("%1 %").arg(action->data().toInt()));
        });
}

QMenu* createThemeMenu(QWidget* parent) {
    using Theme = Presentation::Theme;
    return new ChoiceMenu(
        parent, {int(Theme::System), int(Theme::Light), int(Theme::Dark)},
        [] { return QVariant(int(Presentation::theme())); },
        [](const QVariant& theme) { Presentation::setTheme(Theme(theme.toInt())); },
        [](QMenu* menu, const QList<QAction*>& choices) {
            menu->setTitle(Presentation::tr("&Theme"));
            for (QAction* action : choices) action->setText(themeName(Theme(action->data().toInt())));
        });
}
