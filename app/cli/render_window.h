// decodelab-cli render --view tutorials|classroom: the whole desktop window with a lesson
// loaded, drawn headless for the docs' screenshots.
#pragma once

#include <QSize>
#include <QWidget>
#include <memory>
#include <string>

namespace dlab::cli {

// The main window at `size` with the Tutorials panel open at `lesson` (its folder's name or
// the start of it, "01"), run `run` (from 1) loaded and run to its first pause or its end; in
// classroom mode when `classroom`. Throws Error with the window's message when the lesson
// cannot be found, loaded or run.
std::unique_ptr<QWidget> lesson_window(const std::string& lesson, int run, bool classroom, QSize size);

}  // namespace dlab::cli
