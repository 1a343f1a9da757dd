// Lesson 02, contrastive search and the repetition trap. On repetition-trap.json greedy loops
// "I think that I think that …" (4 · ln 0.486 after 12 symbols) and contrastive search
// (α = 0.6, top-k 3) escapes at step 3 with "you" and ends "I think that you know .": every
// candidate's confidence, one-hot penalty and score are recomputed here from the table's
// bigrams. Every contrastive candidate's score is (1 − α)·confidence − α·penalty from its own
// recorded values, and the chosen one has the highest. On the story model greedy repeats three
// trigrams and contrastive search none; contrastive leaves greedy's path at step 37 and at
// step 58 turns down " a" (penalty > 0.9) for " sun"; it runs 4 candidates per step through
// the model (248 decode positions against greedy's 61). Exercises: α = 0 and top-k = 1 are
// greedy; α = 0.2 loops and α = 0.25 escapes (threshold 3/13); beam search k = 2 loops too;
// top-k = 2 still escapes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

const std::string kLoop = " think that I think that I think that I think that I";

// repetition-trap.json's bigrams, written out by hand
const std::map<std::string, std::map<std::string, double>> kBigrams = {
    {"I", {{"think", 0.9}, {"know", 0.1}}},
    {"think", {{"that", 0.9}, {"so", 0.1}}},
    {"that", {{"I", 0.6}, {"you", 0.3}, {"it", 0.1}}},
    {"you", {{"know", 0.5}, {"think", 0.4}, {".", 0.1}}},
    {"know", {{".", 0.5}, {"that", 0.4}, {"it", 0.1}}},
    {"it", {{".", 1.0}}},
    {"so", {{".", 1.0}}},
    {".", {{"<eos>", 1.0}}},
};

// A table candidate's symbol: its text without the separator; <eos> shows as nothing.
std::string symbol(const CandidateRecord& c) { return c.text.empty() ? "<eos>" : c.text.substr(1); }

struct Returned {
    std::string text;
    std::vector<int> tokens;
    double logprob = 0.0;
    double score = 0.0;
};
Returned returned(const LessonRun& run) {
    const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(run.text)).object();
    const QJsonObject s = json.value("sequences").toArray().first().toObject();
    Returned r{s.value("text").toString().toStdString(), {}, s.value("logprob").toDouble(),
               s.value("score").toDouble()};
    for (const QJsonValue& t : s.value("tokens").toArray()) r.tokens.push_back(t.toInt());
    return r;
}

// One decode step's chosen candidate (greedy and contrastive choose one per step).
const CandidateRecord& chosen(const StepEvent& step) {
    for (const CandidateRecord& c : step.candidates)
        if (c.chosen) return c;
    throw std::runtime_error("no chosen candidate");
}
// The candidate with the highest model probability (confidence).
const CandidateRecord& likeliest(const StepEvent& step) {
    return *std::max_element(step.candidates.begin(), step.candidates.end(),
                             [](const auto& a, const auto& b) { return a.probs.front() < b.probs.front(); });
}

// The generated tokens and their texts, from the chosen candidate of every step.
struct Generated {
    std::vector<int> tokens;
    std::vector<std::string> texts;
};
Generated generated(const LessonRun& run) {
    Generated g;
    for (const StepEvent* s : run.all<StepEvent>()) {
        g.tokens.push_back(chosen(*s).token);
        g.texts.push_back(chosen(*s).text);
    }
    return g;
}

// The n-grams of the generated tokens that occur more than once, as text.
std::set<std::string> repeated_ngrams(const Generated& g, size_t n) {
    std::map<std::vector<int>, int> count;
    std::map<std::vector<int>, std::string> text;
    for (size_t i = 0; i + n <= g.tokens.size(); ++i) {
        const std::vector<int> gram(g.tokens.begin() + i, g.tokens.begin() + i + n);
        ++count[gram];
        std::string t;
        for (size_t j = i; j < i + n; ++j) t += g.texts[j];
        text.emplace(gram, t);
    }
    std::set<std::string> out;
    for (const auto& [gram, c] : count)
        if (c > 1) out.insert(text[gram]);
    return out;
}

// Decode-phase positions the model computed: the n_pos of every KV append after the prefill.
int decode_positions(const LessonRun& run) {
    int n = 0;
    for (const Event& e : run.events)
        if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && e.step >= 1 && kv->op == "append")
            n += kv->n_pos;
    return n;
}

}  // namespace

class TestLesson02 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;

    // Every contrastive candidate: score = (1 − α)·confidence − α·penalty from the recorded
    // confidence and penalty, and the chosen candidate has the highest score of its step.
    void checkScores(const LessonRun& run, double alpha) {
        for (const StepEvent* step : run.all<StepEvent>()) {
            double best = -1e300;
            for (const CandidateRecord& c : step->candidates) {
                QVERIFY(c.confidence && c.degeneration_penalty);
                const double expected = (1.0 - alpha) * double(*c.confidence) - alpha * double(*c.degeneration_penalty);
                QVERIFY2(std::abs(c.score - expected) < 1e-6, c.text.c_str());
                QCOMPARE(double(*c.confidence), double(c.probs.front()));
                best = std::max(best, c.score);
            }
            QCOMPARE(chosen(*step).score, best);
        }
    }

private slots:
    void initTestCase() { m_lesson = run_lesson("02-contrastive-search"); }

    void greedyFallsIntoTheLoop() {
        const Returned greedy = returned(m_lesson.runs.at(0));
        QCOMPARE(greedy.text, kLoop);
        // four rounds of I → think → that → I: 0.9 · 0.9 · 0.6 = 0.486 each
        QVERIFY(std::abs(greedy.logprob - 4.0 * std::log(0.486)) < 1e-6);
        // step 3: "I" (0.6) beats "you" (0.3)
        const StepEvent& step3 = *m_lesson.runs.at(0).all<StepEvent>().at(2);
        QCOMPARE(symbol(chosen(step3)), std::string("I"));
        QVERIFY(std::abs(chosen(step3).probs.front() - 0.6) < 1e-6);
    }

    void contrastiveEscapesTheTrap() {
        const LessonRun& run = m_lesson.runs.at(1);
        QCOMPARE(returned(run).text, std::string(" think that you know ."));
        const double alpha = 0.6;
        // recompute every candidate by hand: p from the bigrams, penalty 1 if the symbol is
        // already in the context (prompt included; one-hot hidden states), else 0
        std::vector<std::string> context = {"I"};
        std::vector<std::string> picks;
        for (const StepEvent* step : run.all<StepEvent>()) {
            QCOMPARE(int(step->candidates.size()), 3);  // top-k 3
            const std::map<std::string, double>& next = kBigrams.at(context.back());
            std::string best;
            double best_score = -1e300;
            for (const CandidateRecord& c : step->candidates) {
                const std::string v = symbol(c);
                const double p = next.count(v) ? next.at(v) : 0.0;
                const double penalty = std::count(context.begin(), context.end(), v) > 0 ? 1.0 : 0.0;
                const double score = (1.0 - alpha) * p - alpha * penalty;
                QVERIFY(std::abs(double(*c.confidence) - p) < 1e-6);
                QVERIFY(std::abs(double(*c.degeneration_penalty) - penalty) < 1e-6);
                QVERIFY(std::abs(c.score - score) < 1e-6);
                if (score > best_score) best_score = score, best = v;
            }
            QCOMPARE(symbol(chosen(*step)), best);
            picks.push_back(best);
            context.push_back(best);
        }
        QCOMPARE(picks, (std::vector<std::string>{"think", "that", "you", "know", ".", "<eos>"}));
        // the escape at step 3: I 0.4 · 0.6 − 0.6 · 1 = −0.36 against you 0.4 · 0.3 = 0.12
        const StepEvent& step3 = *run.all<StepEvent>().at(2);
        QCOMPARE(symbol(likeliest(step3)), std::string("I"));
        QVERIFY(std::abs(likeliest(step3).score - (-0.36)) < 1e-6);
        QVERIFY(std::abs(chosen(step3).score - 0.12) < 1e-6);
    }

    void scoresComeFromConfidenceAndPenalty() {
        checkScores(m_lesson.runs.at(1), 0.6);
        checkScores(m_lesson.runs.at(3), 0.6);
        checkScores(m_lesson.runs.at(6), 0.2);
        checkScores(m_lesson.runs.at(7), 0.25);
    }

    void storyModelRepeatsLessWithContrastiveSearch() {
        const Generated greedy = generated(m_lesson.runs.at(2));
        const Generated contrastive = generated(m_lesson.runs.at(3));
        QCOMPARE(int(greedy.tokens.size()), 62);
        QCOMPARE(int(contrastive.tokens.size()), 62);
        const auto joined = [](const Generated& g) {
            std::string t;
            for (const std::string& piece : g.texts) t += piece;
            return t;
        };
        const auto has = [](const std::string& text, const char* part) { return text.find(part) != std::string::npos; };
        QVERIFY(has(joined(greedy), "we are going to the zoo!"));
        QVERIFY(has(joined(greedy), "She packed a bottle of water and a bottle of water."));
        QVERIFY(has(joined(contrastive), "we are going to the orchard!"));
        QVERIFY(has(joined(contrastive), "She packed a bottle of water and sun cream."));
        QCOMPARE(repeated_ngrams(greedy, 3), (std::set<std::string>{" to the zoo", " a bottle of", " bottle of water"}));
        QCOMPARE(repeated_ngrams(contrastive, 3), std::set<std::string>{});
    }

    void storyModelWhereContrastiveLeavesGreedy() {
        const Generated greedy = generated(m_lesson.runs.at(2));
        const LessonRun& run = m_lesson.runs.at(3);
        const Generated contrastive = generated(run);
        // the first 36 tokens agree; at step 37 greedy repeats " zoo"
        size_t first = 0;
        while (greedy.tokens[first] == contrastive.tokens[first]) ++first;
        QCOMPARE(int(first) + 1, 37);
        QCOMPARE(greedy.texts[36], std::string(" zoo"));
        const StepEvent& step37 = *run.all<StepEvent>().at(36);
        QCOMPARE(likeliest(step37).token, greedy.tokens[36]);  // same context, same probabilities
        const StepEvent& greedy37 = *m_lesson.runs.at(2).all<StepEvent>().at(36);
        QVERIFY(std::abs(*likeliest(step37).confidence - chosen(greedy37).probs.front()) < 1e-5);
        QVERIFY(chosen(step37).token != greedy.tokens[36]);
        // step 58, after "a bottle of water and": " a" is most probable but almost repeats
        std::string before;
        for (int i = 0; i < 57; ++i) before += contrastive.texts[i];
        QVERIFY(before.size() >= 21 && before.compare(before.size() - 21, 21, "a bottle of water and") == 0);
        const StepEvent& step58 = *run.all<StepEvent>().at(57);
        QCOMPARE(likeliest(step58).text, std::string(" a"));
        QVERIFY(*likeliest(step58).confidence > 0.5f);
        QVERIFY(*likeliest(step58).degeneration_penalty > 0.9f);
        QCOMPARE(chosen(step58).text, std::string(" sun"));
        QVERIFY(*chosen(step58).confidence < 0.05f);
    }

    void contrastiveRunsEveryCandidateThroughTheModel() {
        // greedy: one position per step after the first (the prefill gave step 1's logits);
        // contrastive: each of the top-k = 4 candidates of each of the 62 steps
        QCOMPARE(decode_positions(m_lesson.runs.at(2)), 61);
        QCOMPARE(decode_positions(m_lesson.runs.at(3)), 62 * 4);
        // the KV cache view: 4 forks (one per candidate) at every step
        std::map<int, int> forks;
        for (const Event& e : m_lesson.runs.at(3).events)
            if (const auto* kv = std::get_if<KvEvent>(&e.body); kv && kv->op == "fork") ++forks[e.step];
        QCOMPARE(int(forks.size()), 62);
        for (const auto& [step, n] : forks) QCOMPARE(n, 4);
    }

    void exerciseAlphaZeroAndTopKOneAreGreedy() {
        const Returned greedy = returned(m_lesson.runs.at(0));
        QCOMPARE(returned(m_lesson.runs.at(4)).tokens, greedy.tokens);
        QCOMPARE(returned(m_lesson.runs.at(5)).tokens, greedy.tokens);
    }

    void exerciseAlphaThreshold() {
        // step 3: I wins iff (1 − α)·0.6 − α > (1 − α)·0.3, i.e. α < 3/13 ≈ 0.2308
        const auto margin = [](double alpha) { return (1 - alpha) * 0.6 - alpha - (1 - alpha) * 0.3; };
        QVERIFY(margin(0.2) > 0 && margin(0.25) < 0 && std::abs(margin(3.0 / 13.0)) < 1e-12);
        // later rounds of the loop: think (penalty 1) against know (0.1, penalty 0) and that
        // against so alike: (1 − α)·0.9 − α > (1 − α)·0.1 iff α < 4/9, looser than 3/13
        const auto later = [](double alpha) { return (1 - alpha) * 0.9 - alpha - (1 - alpha) * 0.1; };
        QVERIFY(std::abs(later(4.0 / 9.0)) < 1e-12 && later(0.2) > 0 && 3.0 / 13.0 < 4.0 / 9.0);
        QCOMPARE(returned(m_lesson.runs.at(6)).text, kLoop);
        QCOMPARE(returned(m_lesson.runs.at(7)).text, std::string(" think that you know ."));
        const StepEvent& low = *m_lesson.runs.at(6).all<StepEvent>().at(2);
        const StepEvent& high = *m_lesson.runs.at(7).all<StepEvent>().at(2);
        QCOMPARE(symbol(chosen(low)), std::string("I"));
        QVERIFY(std::abs(chosen(low).score - (0.8 * 0.6 - 0.2)) < 1e-6);   // 0.28 against you 0.24
        QCOMPARE(symbol(chosen(high)), std::string("you"));
        QVERIFY(std::abs(chosen(high).score - 0.75 * 0.3) < 1e-6);        // 0.225 against I 0.2
    }

    void exerciseTopKTwoStillEscapes() {
        const LessonRun& run = m_lesson.runs.at(9);
        QCOMPARE(returned(run).text, std::string(" think that you know ."));
        const StepEvent& step3 = *run.all<StepEvent>().at(2);
        QCOMPARE(int(step3.candidates.size()), 2);
        QCOMPARE(symbol(chosen(step3)), std::string("you"));
    }

    void exerciseBeamSearchLoopsToo() {
        const Returned beam = returned(m_lesson.runs.at(8));
        QCOMPARE(beam.text, kLoop);
        QVERIFY(std::abs(beam.logprob - 4.0 * std::log(0.486)) < 1e-6);
        QVERIFY(std::abs(beam.score - 4.0 * std::log(0.486) / 12.0) < 1e-6);
    }
};

static const bool registered = register_lesson_test<TestLesson02>();

#include "lesson_02.moc"
