// The lesson tests register themselves here (one static registration per lesson file).
#pragma once

#include <QObject>
#include <functional>
#include <memory>
#include <vector>

namespace dlab::testing {

using LessonTestFactory = std::function<std::unique_ptr<QObject>()>;

std::vector<LessonTestFactory>& lesson_tests();

// In a lesson file: static const bool registered = register_lesson_test<TestLesson01>();
template <typename Test>
bool register_lesson_test() {
    lesson_tests().push_back([] { return std::make_unique<Test>(); });
    return true;
}

}  // namespace dlab::testing
