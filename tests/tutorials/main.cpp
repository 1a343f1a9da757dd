// One executable for every lesson's test: each lesson_NN.cpp registers a QtTest class that
// runs its scenario and asserts the observations its lesson text promises. DLAB_LESSON=03
// runs only TestLesson03 (QtTest's own arguments then apply to that class).
#include <QCoreApplication>
#include <QTest>
#include <cstdlib>
#include <string>

#include "tutorials/lesson_tests.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const char* only = std::getenv("DLAB_LESSON");
    int failures = 0;
    for (const auto& make : dlab::testing::lesson_tests()) {
        std::unique_ptr<QObject> test = make();
        const std::string name = test->metaObject()->className();
        if (only && *only && name != std::string("TestLesson") + only) continue;
        failures += QTest::qExec(test.get(), argc, argv);
    }
    return failures == 0 ? 0 : 1;
}
