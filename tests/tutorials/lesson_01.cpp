// Lesson 01, greedy search and beam search: on the textbook's table the beams are A, C after
// step 1, AB, AE after step 2 and ABC, AED after step 3, beam search ends with ABC
// (p = 0.22275) and greedy with CEA (p = 0.105); on the story model the best beam's
// log-probability is at least greedy's.
#include <QTest>
#include <algorithm>
#include <cmath>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

// The generated texts of the live and just finished sequences after `step`, sorted.
std::vector<std::string> texts_at(const LessonRun& run, int step) {
    std::vector<std::string> texts;
    for (const SequenceRecord& s : run.sequences_at(step)) texts.push_back(s.text);
    std::sort(texts.begin(), texts.end());
    return texts;
}

}  // namespace

class TestLesson01 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;

private slots:
    void initTestCase() { m_lesson = run_lesson("01-greedy-vs-beam"); }

    void beamsFollowTheTextbook() {
        const LessonRun& beam = m_lesson.runs.at(0);
        QCOMPARE(texts_at(beam, 1), (std::vector<std::string>{"A", "C"}));
        QCOMPARE(texts_at(beam, 2), (std::vector<std::string>{"AB", "AE"}));
        const std::vector<std::string> step3 = texts_at(beam, 3);
        QVERIFY(std::count(step3.begin(), step3.end(), "ABC") == 1);
        QVERIFY(std::count(step3.begin(), step3.end(), "AED") == 1);
    }

    void beamFindsAbcGreedyCea() {
        // the book's numbers: 0.45 · 0.55 · 0.9 and 0.5 · 0.35 · 0.6
        const auto best = [](const LessonRun& run) {
            for (auto e = run.events.rbegin(); e != run.events.rend(); ++e)
                if (const auto* s = std::get_if<StepEvent>(&e->body))
                    return *std::max_element(s->sequences.begin(), s->sequences.end(),
                                             [](const auto& a, const auto& b) { return a.logprob < b.logprob; });
            return SequenceRecord{};
        };
        const SequenceRecord beam = best(m_lesson.runs.at(0));
        const SequenceRecord greedy = best(m_lesson.runs.at(1));
        QVERIFY(beam.text.rfind("ABC", 0) == 0);
        QVERIFY(greedy.text.rfind("CEA", 0) == 0);
        QVERIFY(std::abs(beam.logprob - std::log(0.45 * 0.55 * 0.9)) < 1e-5);
        QVERIFY(std::abs(greedy.logprob - std::log(0.5 * 0.35 * 0.6)) < 1e-5);
    }

    void beamBeatsGreedyOnTheStoryModel() {
        const auto final_logprob = [](const LessonRun& run) {
            const std::vector<SequenceRecord> last = run.all<StepEvent>().back()->sequences;
            double best = -1e300;
            for (const SequenceRecord& s : last) best = std::max(best, s.logprob);
            return best;
        };
        QVERIFY(final_logprob(m_lesson.runs.at(2)) >= final_logprob(m_lesson.runs.at(3)));
    }
};

static const bool registered = register_lesson_test<TestLesson01>();

#include "lesson_01.moc"
