// Lesson 01, greedy search and beam search: on the textbook's table the beams are A, C after
// step 1, AB, AE after step 2 and ABC, AED after step 3; at step 4 both end and two filler
// beams of probability 0 keep the beam full; beam search ends with ABC (p = 0.22275, score
// ln p / 4) and greedy with CEA (p = 0.105). On the story model a "little boy named Tom"
// beam leads at step 20, yet the best final beam is greedy's own sentence, at 4 times the
// decode positions. Exercises: k = 1
// is greedy; k = 3 keeps greedy's CEA as its third beam; on beam-length-penalty.json the
// long answer wins with length penalty 1, the short one with 0, and early stopping stops
// after step 3 with the short one. Expected numbers are products of the tables' probabilities.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

// The sequence with the highest log-probability in the last step event.
SequenceRecord best_at_end(const LessonRun& run) {
    const std::vector<SequenceRecord> last = run.all<StepEvent>().back()->sequences;
    return *std::max_element(last.begin(), last.end(),
                             [](const auto& a, const auto& b) { return a.logprob < b.logprob; });
}

// The returned sequences of a run (generate --json), best first: (text, logprob, score).
struct Returned {
    std::string text;
    double logprob;
    double score;
};
std::vector<Returned> returned(const LessonRun& run) {
    const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(run.text)).object();
    std::vector<Returned> out;
    for (const QJsonValue& v : json.value("sequences").toArray()) {
        const QJsonObject s = v.toObject();
        out.push_back({s.value("text").toString().toStdString(), s.value("logprob").toDouble(),
                       s.value("score").toDouble()});
    }
    return out;
}

const PhaseEvent* decode_end(const LessonRun& run) {
    for (const PhaseEvent* p : run.all<PhaseEvent>())
        if (p->phase == "decode" && p->edge == "end") return p;
    return nullptr;
}

// Decode-phase positions the model computed: the n_pos of every KV append after the prefill.
int decode_positions(const LessonRun& run) {
    int n = 0;
    for (const Event& e : run.events)
        if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && e.step >= 1 && kv->op == "append")
            n += kv->n_pos;
    return n;
}

bool close(double a, double b) { return std::abs(a - b) < 1e-6; }

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
        QCOMPARE(texts_at(beam, 3), (std::vector<std::string>{"ABC", "AED"}));
        // step 2: C drops out, its best continuation CE (0.175) ranks below AE (0.18)
        for (const SequenceRecord& s : beam.sequences_at(2)) QVERIFY(s.text.rfind("A", 0) == 0);
    }

    void stepFourFinishesBothAndFillsTheBeam() {
        // ABC and AED can only take <eos> (p = 1); the two running slots are filled with
        // continuations of probability 0 (log p = −inf) that can never win
        const std::vector<SequenceRecord> step4 = m_lesson.runs.at(0).sequences_at(4);
        std::vector<std::string> finished;
        int impossible = 0;
        for (const SequenceRecord& s : step4) {
            if (s.finished) {
                finished.push_back(s.text);
                // every hypothesis has 4 generated symbols (<eos> included): score = ln p / 4
                QCOMPARE(int(s.tokens.size()), 4);
                QVERIFY(close(s.score, s.logprob / 4.0));
            } else {
                QVERIFY(std::isinf(s.logprob) && s.logprob < 0);
                ++impossible;
            }
        }
        std::sort(finished.begin(), finished.end());
        QCOMPARE(finished, (std::vector<std::string>{"ABC", "AED"}));
        QCOMPARE(impossible, 2);
    }

    void beamFindsAbcGreedyCea() {
        // the book's numbers: 0.45 · 0.55 · 0.9 and 0.5 · 0.35 · 0.6
        const std::vector<Returned> beam = returned(m_lesson.runs.at(0));
        QCOMPARE(beam.size(), size_t(1));
        QCOMPARE(beam[0].text, std::string("ABC"));
        QVERIFY(close(beam[0].logprob, std::log(0.45 * 0.55 * 0.9)));
        QVERIFY(close(beam[0].score, std::log(0.22275) / 4.0));
        const std::vector<Returned> greedy = returned(m_lesson.runs.at(1));
        QCOMPARE(greedy[0].text, std::string("CEA"));
        QVERIFY(close(greedy[0].logprob, std::log(0.5 * 0.35 * 0.6)));
        // greedy's step 1 takes C, the single most probable symbol
        QCOMPARE(m_lesson.runs.at(1).sequences_at(1).front().text, std::string("C"));
    }

    void storyModelBeamsCompeteThenAgreeWithGreedy() {
        const LessonRun& beam = m_lesson.runs.at(2);
        const LessonRun& greedy = m_lesson.runs.at(3);
        const SequenceRecord greedy_final = best_at_end(greedy);
        QCOMPARE(int(greedy_final.tokens.size()), 24);
        const std::string tail = "One day, Lily and Lily";
        QVERIFY(greedy_final.text.size() > tail.size() &&
                greedy_final.text.compare(greedy_final.text.size() - tail.size(), tail.size(), tail) == 0);
        const auto leader = [&](int step) {
            std::vector<SequenceRecord> live = beam.sequences_at(step);
            return *std::max_element(live.begin(), live.end(),
                                     [](const auto& a, const auto& b) { return a.score < b.score; });
        };
        const auto is_greedy_prefix = [&](const SequenceRecord& s) {
            return s.tokens.size() <= greedy_final.tokens.size() &&
                   std::equal(s.tokens.begin(), s.tokens.end(), greedy_final.tokens.begin());
        };
        // step 20: the leading beam is a story greedy never considered
        const SequenceRecord at20 = leader(20);
        QVERIFY(!is_greedy_prefix(at20));
        QVERIFY(at20.text.find("little boy named Tom") != std::string::npos);
        // step 22: greedy's Lily story leads again
        QVERIFY(is_greedy_prefix(leader(22)));
        // the end: the best beam is greedy's sentence, with the same log-probability
        const SequenceRecord beam_final = best_at_end(beam);
        QCOMPARE(beam_final.tokens, greedy_final.tokens);
        QVERIFY(std::abs(beam_final.logprob - greedy_final.logprob) < 1e-6);
        QCOMPARE(int(beam.sequences_at(24).size()), 4);
        // the cost: greedy computes one position per step after the first (the prefill gave
        // step 1's distribution), beam search one for each of its 4 beams
        QCOMPARE(decode_positions(greedy), 23);
        QCOMPARE(decode_positions(beam), 4 * 23);
    }

    void exerciseBeamWidthOneIsGreedy() {
        const std::vector<Returned> k1 = returned(m_lesson.runs.at(4));
        QCOMPARE(k1[0].text, std::string("CEA"));
        QVERIFY(close(k1[0].logprob, std::log(0.105)));
    }

    void exerciseBeamWidthThreeKeepsGreedysPath() {
        // step 2: the best three of AB .2475, AE .18, CE .175, CB .165, CD .16, DA .05, AD .0225
        const LessonRun& k3 = m_lesson.runs.at(5);
        QCOMPARE(texts_at(k3, 2), (std::vector<std::string>{"AB", "AE", "CE"}));
        // step 3: ABC .22275, AED .126, CEA .105 (greedy's answer, now the third beam)
        QCOMPARE(texts_at(k3, 3), (std::vector<std::string>{"ABC", "AED", "CEA"}));
        const std::vector<Returned> r = returned(k3);
        QCOMPARE(r[0].text, std::string("ABC"));
    }

    void exerciseLengthPenaltyPicksTheAnswer() {
        const double yes = std::log(0.45 * 0.8);                     // "yes <eos>": 2 symbols
        const double yes_bang = std::log(0.45 * 0.2);                // "yes ! <eos>": 3 symbols
        const double long_answer = std::log(0.35 * std::pow(0.95, 3));  // "well I think so <eos>": 5
        // length penalty 1: sum / length
        const std::vector<Returned> lp1 = returned(m_lesson.runs.at(6));
        QCOMPARE(lp1.size(), size_t(2));
        QCOMPARE(lp1[0].text, std::string(" well I think so"));
        QVERIFY(close(lp1[0].logprob, long_answer));
        QVERIFY(close(lp1[0].score, long_answer / 5.0));
        QCOMPARE(lp1[1].text, std::string(" yes"));
        QVERIFY(close(lp1[1].score, yes / 2.0));
        QVERIFY(long_answer < yes);  // the long answer is less probable, yet wins
        // its steps: "yes" finishes at step 2, "yes !" at step 3, the long answer at step 5
        const auto finished_at = [](const LessonRun& run, int step) {
            std::vector<std::string> out;
            for (const SequenceRecord& s : run.sequences_at(step))
                if (s.finished) out.push_back(s.text);
            return out;
        };
        QCOMPARE(finished_at(m_lesson.runs.at(6), 2), (std::vector<std::string>{" yes"}));
        QCOMPARE(finished_at(m_lesson.runs.at(6), 3), (std::vector<std::string>{" yes !"}));
        QCOMPARE(finished_at(m_lesson.runs.at(6), 5), (std::vector<std::string>{" well I think so"}));
        // length penalty 0: raw sums
        const std::vector<Returned> lp0 = returned(m_lesson.runs.at(7));
        QCOMPARE(lp0[0].text, std::string(" yes"));
        QVERIFY(close(lp0[0].score, yes));
        QCOMPARE(lp0[1].text, std::string(" well I think so"));
        QVERIFY(close(lp0[1].score, long_answer));
        // early stopping true: two finished answers after step 3, the search stops there
        const LessonRun& early = m_lesson.runs.at(8);
        const PhaseEvent* end = decode_end(early);
        QVERIFY(end);
        QCOMPARE(end->stop_reason, std::string("done"));
        QCOMPARE(early.all<StepEvent>().size(), size_t(3));
        const std::vector<Returned> es = returned(early);
        QCOMPARE(es.size(), size_t(2));
        QCOMPARE(es[0].text, std::string(" yes"));
        QVERIFY(close(es[0].score, yes / 2.0));
        QCOMPARE(es[1].text, std::string(" yes !"));
        QVERIFY(close(es[1].score, yes_bang / 3.0));
    }
};

static const bool registered = register_lesson_test<TestLesson01>();

#include "lesson_01.moc"
