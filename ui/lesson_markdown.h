// A lesson's Markdown as the Tutorials panel shows it. Lessons keep their quiz answers in
// <details><summary>…</summary> … </details> blocks, which fold on GitHub but which Qt's
// Markdown renderer would print in full under the questions; in front of a class the
// answers stay hidden until the teacher asks for them.
#pragma once

#include <QString>

// `markdown` with every <details> block replaced by `hiddenNote` (answers hidden), or with
// its summary as a bold line followed by its content (answers shown).
QString lessonMarkdown(const QString& markdown, bool showAnswers, const QString& hiddenNote);
