#include "tutorials/lesson_tests.h"

namespace dlab::testing {

std::vector<LessonTestFactory>& lesson_tests() {
    static std::vector<LessonTestFactory> tests;
    return tests;
}

}  // namespace dlab::testing
