// Lesson 03, sampling: on top-p-adaptive.json random sampling keeps all 9 animals and all 8
// verbs, top-k keeps a fixed count (k = 8: 8 and 8; k = 2: 2 and 2) while top-p = 0.9
// keeps 8 at the flat step and 1 at the peaked step; the temperature stage's probabilities
// are softmax(logit / T) = p^(1/T) / sum p^(1/T) (T = 0.5 sharpens, T = 2 flattens); on
// chain-order.json Hugging Face's order (temperature, then top-p) and llama.cpp's (top-p,
// temperature last) keep different sets; on the story model top-k keeps 40 at every step
// while top-p's count varies, and the same seed gives the same tokens. Every expected value
// is computed here from the tables' probabilities, not read from the program.
#include <QTest>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

using Dist = std::map<std::string, double>;  // symbol -> probability (the table's numbers)
using Set = std::set<std::string>;

// top-p-adaptive.json: next["the"] (flat) and the fallback (peaked)
const Dist kFlat = {{"cat", 0.14}, {"dog", 0.135}, {"fox", 0.13},  {"owl", 0.125}, {"cow", 0.12},
                    {"pig", 0.115}, {"hen", 0.11}, {"bee", 0.105}, {"yak", 0.02}};
const Dist kPeaked = {{"sat", 0.92},  {"ran", 0.02},  {"ate", 0.01},  {"hid", 0.01},
                      {"dug", 0.01},  {"sang", 0.01}, {"swam", 0.01}, {"flew", 0.01}};
// chain-order.json: next["is"]
const Dist kSky = {{"blue", 0.6}, {"grey", 0.25}, {"dark", 0.1}, {"green", 0.05}};

// --- the closed forms ---------------------------------------------------------------

// softmax(ln p / T) = p^(1/T) / sum_j p_j^(1/T)
Dist with_temperature(const Dist& d, double t) {
    Dist out;
    double sum = 0.0;
    for (const auto& [s, p] : d) sum += std::pow(p, 1.0 / t);
    for (const auto& [s, p] : d) out[s] = std::pow(p, 1.0 / t) / sum;
    return out;
}

// The symbols, most probable first.
std::vector<std::string> by_probability(const Dist& d) {
    std::vector<std::string> order;
    for (const auto& [s, p] : d) order.push_back(s);
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return d.at(a) > d.at(b); });
    return order;
}

// The smallest most-probable-first set whose probabilities sum to at least p.
Set top_p_set(const Dist& d, double p) {
    Set kept;
    double sum = 0.0;
    for (const std::string& s : by_probability(d)) {
        kept.insert(s);
        sum += d.at(s);
        if (sum >= p) break;
    }
    return kept;
}

// The k most probable (no ties at the k-th in the cases below).
Set top_k_set(const Dist& d, size_t k) {
    const std::vector<std::string> order = by_probability(d);
    return Set(order.begin(), order.begin() + std::min(k, order.size()));
}

Dist restricted(const Dist& d, const Set& keep) {
    Dist out;
    double sum = 0.0;
    for (const std::string& s : keep) sum += d.at(s);
    for (const std::string& s : keep) out[s] = d.at(s) / sum;
    return out;
}

Set keys(const Dist& d) {
    Set out;
    for (const auto& [s, p] : d) out.insert(s);
    return out;
}

// --- reading a run ------------------------------------------------------------------

std::string symbol(const CandidateRecord& c) {
    std::string s = c.text;
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
    return s;
}

const StepEvent& step_of(const LessonRun& run, int step) {
    for (const Event& e : run.events)
        if (const auto* s = std::get_if<StepEvent>(&e.body); s && e.step == step) return *s;
    throw std::runtime_error("no step " + std::to_string(step));
}

// Index into CandidateRecord::probs of the distribution after stage `name`.
size_t after(const StepEvent& step, const std::string& name) {
    const auto it = std::find(step.stages.begin(), step.stages.end(), name);
    if (it == step.stages.end()) throw std::runtime_error("no stage " + name);
    return 1 + static_cast<size_t>(it - step.stages.begin());
}

// Symbol -> probability after stage index `i` (the whole recorded row, zeros included).
Dist probs_at(const StepEvent& step, size_t i) {
    Dist out;
    for (const CandidateRecord& c : step.candidates) out[symbol(c)] = c.probs.at(i);
    return out;
}

// The candidates with a non-zero probability after stage index `i`.
Set kept_at(const StepEvent& step, size_t i) {
    Set out;
    for (const CandidateRecord& c : step.candidates)
        if (c.probs.at(i) > 0.0f) out.insert(symbol(c));
    return out;
}

Set kept_final(const StepEvent& step) { return kept_at(step, step.stages.size()); }

// How many candidates have a non-zero probability after stage index `i` (on the story
// model two tokens can share a text, " girl" and "girl", so count rows, not symbols).
size_t count_at(const StepEvent& step, size_t i) {
    size_t n = 0;
    for (const CandidateRecord& c : step.candidates) n += c.probs.at(i) > 0.0f;
    return n;
}

std::string chosen(const StepEvent& step) {
    for (const CandidateRecord& c : step.candidates)
        if (c.chosen) return symbol(c);
    return {};
}

bool near(double a, double b, double tolerance = 1e-5) { return std::abs(a - b) <= tolerance; }

// Every symbol of `expected` has that probability in `recorded`, every other one 0.
bool same_distribution(const Dist& recorded, const Dist& expected, double tolerance = 1e-5) {
    for (const auto& [s, p] : recorded) {
        const auto it = expected.find(s);
        if (!near(p, it == expected.end() ? 0.0 : it->second, tolerance)) {
            qWarning("%s: recorded %.8f, expected %.8f", s.c_str(), p, it == expected.end() ? 0.0 : it->second);
            return false;
        }
    }
    for (const auto& [s, p] : expected)
        if (!recorded.count(s)) return false;
    return true;
}

const RunEvent& run_event(const LessonRun& run) { return std::get<RunEvent>(run.events.front().body); }

std::vector<int> final_tokens(const LessonRun& run) { return run.all<StepEvent>().back()->sequences.front().tokens; }

}  // namespace

class TestLesson03 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;

    const LessonRun& run(int n) const { return m_lesson.runs.at(n - 1); }

private slots:
    void initTestCase() { m_lesson = run_lesson("03-sampling"); }

    void theTablesSumToOne() {
        // guards the hand-typed distributions above
        for (const Dist* d : {&kFlat, &kPeaked, &kSky}) {
            double sum = 0.0;
            for (const auto& [s, p] : *d) sum += p;
            QVERIFY(near(sum, 1.0, 1e-12));
        }
    }

    void randomSamplingKeepsEverything() {
        // run 1: top-k 0, top-p 1, T = 1: no stage changes anything
        const StepEvent& s1 = step_of(run(1), 1);
        const StepEvent& s2 = step_of(run(1), 2);
        QCOMPARE(kept_final(s1), keys(kFlat));
        QCOMPARE(kept_final(s2), keys(kPeaked));
        QVERIFY(same_distribution(probs_at(s1, s1.stages.size()), kFlat));
        QVERIFY(same_distribution(probs_at(s2, s2.stages.size()), kPeaked));
        QCOMPARE(kept_final(s1).size(), size_t(9));
        QCOMPARE(kept_final(s2).size(), size_t(8));
    }

    void topKKeepsAFixedCount() {
        // run 2: k = 8 keeps eight at both steps
        for (int step : {1, 2}) {
            const StepEvent& s = step_of(run(2), step);
            const Dist& d = step == 1 ? kFlat : kPeaked;
            QCOMPARE(kept_at(s, after(s, "top_k")), top_k_set(d, 8));
            QCOMPARE(kept_final(s).size(), size_t(8));
            QVERIFY(same_distribution(probs_at(s, s.stages.size()), restricted(d, top_k_set(d, 8))));
        }
        // the flat step loses only yak; at the peaked step seven unlikely verbs keep 0.08 of the mass
        QVERIFY(!kept_final(step_of(run(2), 1)).count("yak"));
        double unlikely = 0.0;
        for (const auto& [s, p] : probs_at(step_of(run(2), 2), step_of(run(2), 2).stages.size()))
            if (s != "sat") unlikely += p;
        QVERIFY(near(unlikely, 1.0 - kPeaked.at("sat")));
        QVERIFY(near(unlikely, 0.08));
        // run 13: k = 2 keeps two at both steps
        QCOMPARE(kept_final(step_of(run(13), 1)), top_k_set(kFlat, 2));
        QCOMPARE(kept_final(step_of(run(13), 2)), top_k_set(kPeaked, 2));
        QCOMPARE(top_k_set(kFlat, 2), (Set{"cat", "dog"}));
        QCOMPARE(top_k_set(kPeaked, 2), (Set{"sat", "ran"}));
    }

    void topPAdaptsToTheShape() {
        // the cumulative sums the lesson quotes: 0.875 after seven animals, 0.98 after eight
        double seven = 0.0;
        const std::vector<std::string> order = by_probability(kFlat);
        for (int i = 0; i < 7; ++i) seven += kFlat.at(order[i]);
        QVERIFY(near(seven, 0.875, 1e-12));
        QVERIFY(near(seven + kFlat.at(order[7]), 0.98, 1e-12));

        const StepEvent& s1 = step_of(run(3), 1);
        const StepEvent& s2 = step_of(run(3), 2);
        QCOMPARE(kept_at(s1, after(s1, "top_p")), top_p_set(kFlat, 0.9));
        QCOMPARE(kept_at(s2, after(s2, "top_p")), top_p_set(kPeaked, 0.9));
        QCOMPARE(kept_final(s1).size(), size_t(8));
        QCOMPARE(kept_final(s2), (Set{"sat"}));
        QVERIFY(!kept_final(s1).count("yak"));
        QVERIFY(same_distribution(probs_at(s1, s1.stages.size()), restricted(kFlat, top_p_set(kFlat, 0.9))));
        QVERIFY(near(probs_at(s2, s2.stages.size()).at("sat"), 1.0));
        QCOMPARE(chosen(s2), std::string("sat"));
    }

    void temperatureIsSoftmaxOfLogitOverT() {
        // runs 4 (T = 0.5) and 5 (T = 2): the temperature stage's row, two ways
        for (const auto& [n, t] : {std::pair{4, 0.5}, std::pair{5, 2.0}}) {
            for (int step : {1, 2}) {
                const StepEvent& s = step_of(run(n), step);
                const size_t i = after(s, "temperature");
                // (a) from the table: p^(1/T) / sum p^(1/T)
                QVERIFY(same_distribution(probs_at(s, i), with_temperature(step == 1 ? kFlat : kPeaked, t)));
                // (b) from the recorded raw logits: softmax(logit / T) in double
                double max = -1e300, sum = 0.0;
                for (const CandidateRecord& c : s.candidates)
                    if (std::isfinite(c.logit)) max = std::max(max, double(c.logit) / t);
                for (const CandidateRecord& c : s.candidates)
                    if (std::isfinite(c.logit)) sum += std::exp(double(c.logit) / t - max);
                for (const CandidateRecord& c : s.candidates) {
                    const double own = std::isfinite(c.logit) ? std::exp(double(c.logit) / t - max) / sum : 0.0;
                    QVERIFY(near(c.probs.at(i), own, 1e-6));
                }
            }
        }
        // sharpen / flatten: the top symbol gains at T < 1 and loses at T > 1, the rare one the opposite
        const Dist sharp1 = with_temperature(kFlat, 0.5), flat1 = with_temperature(kFlat, 2.0);
        const Dist sharp2 = with_temperature(kPeaked, 0.5), flat2 = with_temperature(kPeaked, 2.0);
        QVERIFY(sharp2.at("sat") > 0.92 && flat2.at("sat") < 0.92);
        QVERIFY(sharp1.at("yak") < 0.02 && flat1.at("yak") > 0.02);
        // the numbers the lesson quotes, rounded
        QVERIFY(near(sharp2.at("sat"), 0.9988, 5e-5));
        QVERIFY(near(flat2.at("sat"), 0.564, 5e-4));
        QVERIFY(near(flat2.at("ran"), 0.083, 5e-4));
        QVERIFY(near(flat2.at("flew"), 0.059, 5e-4));
        QVERIFY(near(sharp1.at("cat"), 0.161, 5e-4));
        QVERIFY(near(sharp1.at("yak"), 0.0033, 5e-5));
        QVERIFY(near(flat1.at("cat"), 0.127, 5e-4));
        QVERIFY(near(flat1.at("yak"), 0.048, 5e-4));
    }

    void chainOrderChangesTheKeptSet() {
        // the stage orders
        const std::vector<std::string>& hf = run_event(run(6)).chain;
        const std::vector<std::string>& llama = run_event(run(7)).chain;
        const auto pos = [](const std::vector<std::string>& chain, const std::string& s) {
            return std::find(chain.begin(), chain.end(), s) - chain.begin();
        };
        QVERIFY(pos(hf, "temperature") < pos(hf, "top_p"));
        QCOMPARE(llama.back(), std::string("temperature"));
        QVERIFY(pos(llama, "top_p") < pos(llama, "temperature"));

        // own computation of both orders, T = 2 (runs 6, 7) and T = 0.5 (runs 8, 9), p = 0.8
        for (const auto& [hf_run, llama_run, t] : {std::tuple{6, 7, 2.0}, std::tuple{8, 9, 0.5}}) {
            const Dist warmed = with_temperature(kSky, t);
            const Set hf_kept = top_p_set(warmed, 0.8);
            const Dist hf_final = restricted(warmed, hf_kept);
            const Set llama_kept = top_p_set(kSky, 0.8);
            const Dist llama_final = with_temperature(restricted(kSky, llama_kept), t);

            const StepEvent& h = step_of(run(hf_run), 1);
            const StepEvent& l = step_of(run(llama_run), 1);
            QCOMPARE(kept_final(h), hf_kept);
            QCOMPARE(kept_final(l), llama_kept);
            QVERIFY(kept_final(h) != kept_final(l));
            QVERIFY(same_distribution(probs_at(h, h.stages.size()), hf_final));
            QVERIFY(same_distribution(probs_at(l, l.stages.size()), llama_final));
            // llama.cpp's top-p sees the raw distribution whatever T is
            QVERIFY(same_distribution(probs_at(l, after(l, "top_p")), restricted(kSky, llama_kept)));
        }
        // the sets and numbers the lesson names
        QCOMPARE(top_p_set(with_temperature(kSky, 2.0), 0.8), (Set{"blue", "grey", "dark"}));
        QCOMPARE(top_p_set(with_temperature(kSky, 0.5), 0.8), (Set{"blue"}));
        QCOMPARE(top_p_set(kSky, 0.8), (Set{"blue", "grey"}));
        const Dist w2 = with_temperature(kSky, 2.0);
        QVERIFY(near(w2.at("blue"), 0.427, 5e-4) && near(w2.at("grey"), 0.276, 5e-4) &&
                near(w2.at("dark"), 0.174, 5e-4) && near(w2.at("green"), 0.123, 5e-4));
        QVERIFY(near(w2.at("blue") + w2.at("grey"), 0.702, 5e-4));
        QVERIFY(near(w2.at("blue") + w2.at("grey") + w2.at("dark"), 0.877, 5e-4));
        QVERIFY(near(with_temperature(kSky, 0.5).at("blue"), 0.828, 5e-4));
        const Dist l2 = with_temperature(restricted(kSky, {"blue", "grey"}), 2.0);
        const Dist l05 = with_temperature(restricted(kSky, {"blue", "grey"}), 0.5);
        QVERIFY(near(l2.at("blue"), 0.608, 5e-4) && near(l05.at("blue"), 0.852, 5e-4));
    }

    void jointChainOnTheStoryModel() {
        // run 10: T = 0.8, top-k 40, top-p 0.9
        std::set<size_t> top_p_counts;
        for (const StepEvent* s : run(10).all<StepEvent>()) {
            const size_t k = after(*s, "top_k"), p = after(*s, "top_p");
            // top-k keeps exactly 40: the 40 largest logits among those recorded
            QCOMPARE(count_at(*s, k), size_t(40));
            float lowest_kept = INFINITY, highest_cut = -INFINITY;
            for (const CandidateRecord& c : s->candidates) {
                if (c.probs.at(k) > 0.0f)
                    lowest_kept = std::min(lowest_kept, c.logit);
                else
                    highest_cut = std::max(highest_cut, c.logit);
            }
            QVERIFY(lowest_kept >= highest_cut);
            // top-p recomputed from the distribution after top-k: a straight loop
            std::vector<double> after_k;
            for (const CandidateRecord& c : s->candidates)
                if (c.probs.at(k) > 0.0f) after_k.push_back(c.probs.at(k));
            std::sort(after_k.rbegin(), after_k.rend());
            size_t n = 0;
            double sum = 0.0;
            while (n < after_k.size() && sum < 0.9) sum += after_k[n++];
            QVERIFY2(std::abs(sum - 0.9) > 1e-5, "a cumulative sum too close to p to decide");
            QCOMPARE(count_at(*s, p), n);
            top_p_counts.insert(n);
            // a stage never brings back what an earlier one cut; the sampled token was kept
            for (const CandidateRecord& c : s->candidates)
                for (size_t i = 2; i < c.probs.size(); ++i)
                    if (c.probs[i - 1] == 0.0f) QCOMPARE(c.probs[i], 0.0f);
            for (const CandidateRecord& c : s->candidates)
                if (c.chosen) QVERIFY(c.probs.back() > 0.0f);
        }
        // "some steps keep only 1, others several"
        QCOMPARE(*top_p_counts.begin(), size_t(1));
        QVERIFY(*top_p_counts.rbegin() >= 3);
    }

    void sameSeedSameTokens() {
        // runs 10 and 11: seed 42 twice; run 12: seed 43
        QCOMPARE(run_event(run(10)).seed, uint64_t(42));
        QCOMPARE(run_event(run(11)).seed, uint64_t(42));
        QCOMPARE(run_event(run(12)).seed, uint64_t(43));
        QCOMPARE(final_tokens(run(10)).size(), size_t(16));
        QCOMPARE(final_tokens(run(10)), final_tokens(run(11)));
        QCOMPARE(run(10).final_text(), run(11).final_text());
        const auto steps10 = run(10).all<StepEvent>(), steps11 = run(11).all<StepEvent>();
        QCOMPARE(steps10.size(), steps11.size());
        const auto chosen_token = [](const StepEvent& step) {
            for (const CandidateRecord& c : step.candidates)
                if (c.chosen) return c.token;
            return -1;
        };
        for (size_t i = 0; i < steps10.size(); ++i) {
            QVERIFY(chosen_token(*steps10[i]) >= 0);
            QCOMPARE(chosen_token(*steps10[i]), chosen_token(*steps11[i]));
        }
        QVERIFY(final_tokens(run(12)) != final_tokens(run(10)));
    }
};

static const bool registered = register_lesson_test<TestLesson03>();

#include "lesson_03.moc"
