// How the whole application looks in front of a class: a font scale (100 % on a laptop,
// 150–200 % on a projector) and a light, dark or system theme, applied app-wide and
// remembered with QSettings. High-DPI scaling is Qt 6's own and stays on; the font scale
// comes on top of it.
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

class QMenu;
class QWidget;

class Presentation {
    Q_DECLARE_TR_FUNCTIONS(Presentation)

public:
    enum class Theme { System, Light, Dark };

    // The scales the View menu offers, in percent.
    static const QList<int>& fontScales();
    // The application font at `percent` of the size it had before any scaling; remembered
    // unless `remember` is false (classroom mode's scale is the mode's, not the user's pick).
    static void setFontScale(int percent, bool remember = true);
    static int fontScale();

    // System: the platform's style and palette; Light: the platform's style with its
    // standard (light) palette; Dark: the Fusion style with a dark palette, since native
    // styles draw parts of their controls without the palette.
    static void setTheme(Theme theme);
    static Theme theme();

    // What setFontScale and setTheme last chose, read back at start-up and applied.
    static void restoreSaved();
};

// The View menu's "Font size" and "Theme" submenus: the current choice is checked (also
// when something else changed it since); each retranslates itself.
QMenu* createFontScaleMenu(QWidget* parent);
QMenu* createThemeMenu(QWidget* parent);
