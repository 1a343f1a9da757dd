#include "lesson_markdown.h"

#include <QRegularExpression>

QString lessonMarkdown(const QString& markdown, bool showAnswers, const QString& hiddenNote) {
    static const QRegularExpression details(
        QStringLiteral("<details>\\s*(?:<summary>(.*?)</summary>)?(.*?)</details>"),
        QRegularExpression::DotMatchesEverythingOption);
    QString out;
    qsizetype from = 0;
    for (QRegularExpressionMatchIterator it = details.globalMatch(markdown); it.hasNext();) {
        const QRegularExpressionMatch match = it.next();
        out += markdown.mid(from, match.capturedStart() - from);
        if (showAnswers) {
            const QString summary = match.captured(1).trimmed();
            if (!summary.isEmpty()) out += QStringLiteral("**%1**\n\n").arg(summary);
            out += match.captured(2).trimmed() + QStringLiteral("\n");
        } else {
            out += QStringLiteral("*%1*\n").arg(hiddenNote);
        }
        from = match.capturedEnd();
    }
    return out + markdown.mid(from);
}
