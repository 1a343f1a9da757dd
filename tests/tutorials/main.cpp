// One executable for every lesson's test: each lesson_NN.cpp registers a QtTest class that
// runs its scenario and asserts the observations its lesson text promises.
#include <QCoreApplication>
#include <QTest>

#include "tutorials/lesson_tests.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    int failures = 0;
    for (const auto& make : dlab::testing::lesson_tests()) {
        std::unique_ptr<QObject> test = make();
        failures += QTest::qExec(test.get(), argc, argv);
    }
    return failures == 0 ? 0 : 1;
}
