// Lesson 07, speculative sampling. On the table pair (read here from the two table files):
// α = Σ min(p, q) = 0.7, and the measured α of each run lies within two standard deviations
// of it; tokens per target pass lie within three standard errors of (1 − α^{γ+1})/(1 − α);
// every spec_round follows the rule (p and q are the tables', a verified draft stands iff
// r < p/q, the first rejection is resampled from norm(max(0, p − q)) computed from the
// tables, a bonus only when every draft stood) and the rounds add up to the output, whose
// symbols follow p (χ²). On the story model greedy with the draft model or prompt lookup
// gives plain greedy's tokens one for one. The speed-up model's numbers by hand.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <map>

#include "tutorials/lesson_runner.h"
#include "tutorials/lesson_tests.h"

using namespace dlab;
using namespace dlab::testing;

namespace {

using Distribution = std::map<std::string, double>;  // symbol → probability

// The one distribution a context-free table gives (its "" context).
Distribution table_distribution(const std::string& name) {
    QFile file(QString::fromStdString(tutorials_dir() + "/../assets/tables/" + name));
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", name.c_str());
    const QJsonObject next = QJsonDocument::fromJson(file.readAll()).object()["next"].toObject();
    Distribution d;
    const QJsonObject row = next[""].toObject();
    for (auto it = row.begin(); it != row.end(); ++it) d[it.key().toStdString()] = it.value().toDouble();
    if (next.size() != 1) qFatal("%s: expected one context", name.c_str());
    return d;
}

double alpha_of(const Distribution& p, const Distribution& q) {
    double alpha = 0;
    for (const auto& [symbol, pv] : p) alpha += std::min(pv, q.at(symbol));
    return alpha;
}

Distribution residual_of(const Distribution& p, const Distribution& q) {
    Distribution r;
    double total = 0;
    for (const auto& [symbol, pv] : p) total += r[symbol] = std::max(0.0, pv - q.at(symbol));
    for (auto& [symbol, v] : r) v /= total;
    return r;
}

double tokens_per_pass(double alpha, int gamma) { return (1 - std::pow(alpha, gamma + 1)) / (1 - alpha); }

// Variance of the tokens one round adds: K + 1, K the accepted drafts, P(K = k) = α^k(1 − α)
// for k < γ and α^γ for k = γ.
double tokens_variance(double alpha, int gamma) {
    double mean = 0, square = 0;
    for (int k = 0; k <= gamma; ++k) {
        const double pk = k < gamma ? std::pow(alpha, k) * (1 - alpha) : std::pow(alpha, gamma);
        mean += pk * (k + 1);
        square += pk * (k + 1) * (k + 1);
    }
    return square - mean * mean;
}

double speed_up(double alpha, int gamma, double c) { return tokens_per_pass(alpha, gamma) / (gamma * c + 1); }

// Pearson's χ² of symbol counts against a distribution.
double chi_square(const std::map<std::string, int>& counts, const Distribution& expected) {
    int n = 0;
    for (const auto& [symbol, count] : counts) n += count;
    double chi = 0;
    for (const auto& [symbol, probability] : expected) {
        const double e = probability * n;
        const double o = counts.count(symbol) ? counts.at(symbol) : 0;
        chi += (o - e) * (o - e) / e;
    }
    return chi;
}

constexpr double kChiSquare3Df01 = 11.345;  // χ² with 3 degrees of freedom, p = 0.01

struct Tally {
    int rounds = 0, accepted = 0, rejected = 0, drafted = 0, generated = 0;
    std::vector<double> alpha_so_far;  // [rounds]
    double alpha() const { return double(accepted) / (accepted + rejected); }
};

// Recounted from the rounds, not taken from the summary.
Tally tally(const LessonRun& run) {
    Tally t;
    for (const SpecRoundEvent* r : run.all<SpecRoundEvent>()) {
        ++t.rounds;
        t.drafted += int(r->drafts.size());
        t.accepted += r->accepted;
        for (const DraftTokenRecord& d : r->drafts) t.rejected += d.outcome == "rejected";
        t.generated += r->emitted;
        t.alpha_so_far.push_back(t.accepted + t.rejected ? t.alpha() : 0.0);
    }
    return t;
}

std::map<std::string, int> symbol_counts(const std::string& text) {
    std::map<std::string, int> counts;
    for (char c : text) ++counts[std::string(1, c)];
    return counts;
}

std::vector<int> tokens_of(const LessonRun& run) { return run.all<StepEvent>().back()->sequences.front().tokens; }

QJsonObject speculative_json(const LessonRun& run) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(run.text)).object()["speculative"].toObject();
}

}  // namespace

class TestLesson07 : public QObject {
    Q_OBJECT
    LessonResult m_lesson;
    Distribution m_p, m_q;
    double m_alpha = 0;

    const LessonRun& run(int n) const { return m_lesson.runs.at(size_t(n - 1)); }

private slots:
    void initTestCase() {
        m_lesson = run_lesson("07-speculative-sampling");
        m_p = table_distribution("speculative-target.json");
        m_q = table_distribution("speculative-draft.json");
        m_alpha = alpha_of(m_p, m_q);
    }

    void theTablesByHand() {
        // the lesson's table: α = 0.2 + 0.2 + 0.2 + 0.1, residual A 2/3, B 1/3
        QVERIFY(std::abs(m_alpha - 0.7) < 1e-12);
        const Distribution residual = residual_of(m_p, m_q);
        QVERIFY(std::abs(residual.at("A") - 2.0 / 3) < 1e-12);
        QVERIFY(std::abs(residual.at("B") - 1.0 / 3) < 1e-12);
        QCOMPARE(residual.at("C"), 0.0);
        QCOMPARE(residual.at("D"), 0.0);
        // acceptance when drafted: A, B 1; C 2/3; D 1/3
        QCOMPARE(std::min(1.0, m_p.at("A") / m_q.at("A")), 1.0);
        QVERIFY(std::abs(std::min(1.0, m_p.at("C") / m_q.at("C")) - 2.0 / 3) < 1e-12);
        QVERIFY(std::abs(std::min(1.0, m_p.at("D") / m_q.at("D")) - 1.0 / 3) < 1e-12);
        // one position's output: accepted q·min(1, p/q) + rejected (1 − α)·residual = p
        for (const auto& [symbol, p] : m_p) {
            const double q = m_q.at(symbol);
            QVERIFY(std::abs(q * std::min(1.0, p / q) + (1 - m_alpha) * residual.at(symbol) - p) < 1e-12);
        }
    }

    void theSpeedUpModel() {
        QVERIFY(std::abs(tokens_per_pass(0.7, 4) - 2.7731) < 1e-4);
        QVERIFY(std::abs(tokens_per_pass(0.7, 8) - 3.20) < 0.005);
        QVERIFY(std::abs(speed_up(0.7, 4, 0.1) - 1.98) < 0.005);
        QVERIFY(std::abs(speed_up(0.7, 4, 0.5) - 0.92) < 0.005);
        QVERIFY(std::abs(speed_up(0.7, 3, 0.1) - 1.95) < 0.005);
        QVERIFY(std::abs(speed_up(0.7, 5, 0.1) - 1.96) < 0.005);
        QVERIFY(std::abs(speed_up(0.7, 8, 0.1) - 1.78) < 0.005);
        int best = 1;
        for (int gamma = 2; gamma <= 64; ++gamma)
            if (speed_up(0.7, gamma, 0.1) > speed_up(0.7, best, 0.1)) best = gamma;
        QCOMPARE(best, 4);
    }

    void alphaWithinSamplingError() {
        for (const int n : {1, 2, 8}) {
            const Tally t = tally(run(n));
            const SpecSummaryEvent& s = *run(n).all<SpecSummaryEvent>().front();
            QCOMPARE(s.accepted, t.accepted);
            QCOMPARE(s.rejected, t.rejected);
            QCOMPARE(s.rounds, t.rounds);
            QCOMPARE(s.drafted, t.drafted);
            QVERIFY(std::abs(s.alpha - t.alpha()) < 1e-12);
            const double sd = std::sqrt(m_alpha * (1 - m_alpha) / (t.accepted + t.rejected));
            QVERIFY2(std::abs(t.alpha() - m_alpha) < 2 * sd,
                     qPrintable(QString("run %1: alpha %2, sd %3").arg(n).arg(t.alpha()).arg(sd)));
            QCOMPARE(speculative_json(run(n))["alpha"].toDouble(), s.alpha);
        }
        // the lesson's figures
        const Tally one = tally(run(1)), two = tally(run(2)), eight = tally(run(8));
        QCOMPARE(one.accepted, 326);
        QCOMPARE(one.rejected, 142);
        QCOMPARE(one.drafted, 736);
        QCOMPARE(two.accepted, 310);
        QCOMPARE(two.rejected, 160);
        QCOMPARE(eight.drafted, 1309);
        QVERIFY(std::abs(std::sqrt(0.7 * 0.3 / 470) - 0.02) < 0.0015);
        // the α curve: in the first 20 rounds both stray by 0.2 or more; at the end 0.003 and 0.04
        for (const Tally* t : {&one, &two}) {
            double stray = 0;
            for (int r = 0; r < 20; ++r) stray = std::max(stray, std::abs(t->alpha_so_far[r] - 0.7));
            QVERIFY(stray >= 0.2 - 1e-9);
        }
        QVERIFY(std::abs(std::abs(one.alpha() - 0.7) - 0.003) < 0.0005);
        QVERIFY(std::abs(std::abs(two.alpha() - 0.7) - 0.04) < 0.0005);
    }

    void tokensPerTargetPassNearTheory() {
        const std::pair<int, int> runs[] = {{1, 4}, {2, 4}, {8, 8}};
        for (const auto& [n, gamma] : runs) {
            const Tally t = tally(run(n));
            const SpecSummaryEvent& s = *run(n).all<SpecSummaryEvent>().front();
            QCOMPARE(t.generated, 511);
            QCOMPARE(s.generated, 511);
            QCOMPARE(s.target_passes, t.rounds);  // every round verifies: the drafts never run out
            const double measured = double(t.generated) / t.rounds;
            QVERIFY(std::abs(s.tokens_per_target_pass - measured) < 1e-12);
            const double expected = tokens_per_pass(m_alpha, gamma);
            const double se = std::sqrt(tokens_variance(m_alpha, gamma) / t.rounds);
            QVERIFY2(std::abs(measured - expected) < 3 * se,
                     qPrintable(QString("run %1: %2 tokens per pass, theory %3, se %4").arg(n).arg(measured).arg(expected).arg(se)));
            // plain decoding: 510 passes after the prefill's token
            QCOMPARE(s.target_passes_saved, 510 - s.target_passes);
        }
        QCOMPARE(tally(run(1)).rounds, 185);
        QCOMPARE(tally(run(2)).rounds, 201);
        QCOMPARE(tally(run(8)).rounds, 164);
        QVERIFY(std::abs(511.0 / 185 - 2.76) < 0.005);
        QVERIFY(std::abs(511.0 / 201 - 2.54) < 0.005);
        QVERIFY(std::abs(511.0 / 164 - 3.12) < 0.005);
    }

    void everyRoundFollowsTheRule() {
        const Distribution residual = residual_of(m_p, m_q);
        for (const int n : {1, 2, 8}) {
            std::string rebuilt;
            for (const SpecRoundEvent* r : run(n).all<SpecRoundEvent>()) {
                const int drafted = int(r->drafts.size());
                QVERIFY(drafted <= r->gamma);
                for (int i = 0; i < drafted; ++i) {
                    const DraftTokenRecord& d = r->drafts[size_t(i)];
                    QVERIFY(std::abs(d.p - m_p.at(d.text)) < 1e-6);
                    QVERIFY(std::abs(d.q - m_q.at(d.text)) < 1e-6);
                    // accepted prefix, then one rejection, then unverified
                    const char* outcome = i < r->accepted ? "accepted" : i == r->accepted ? "rejected" : "unverified";
                    QCOMPARE(d.outcome, std::string(outcome));
                    QCOMPARE(d.r.has_value(), i <= r->accepted);
                    if (d.r) QCOMPARE(*d.r < m_p.at(d.text) / m_q.at(d.text), i < r->accepted);
                }
                QCOMPARE(r->token_kind, std::string(r->accepted == drafted ? "bonus" : "resampled"));
                if (r->token_kind == "resampled") {
                    // the residual, computed from the tables: A 2/3, B 1/3 and nothing else
                    QCOMPARE(int(r->residual.size()), 2);
                    for (const SpecCandidate& c : r->residual) {
                        QVERIFY(std::abs(c.residual - residual.at(c.text)) < 1e-6);
                        QVERIFY(std::abs(c.p - m_p.at(c.text)) < 1e-6);
                        QVERIFY(std::abs(c.q - m_q.at(c.text)) < 1e-6);
                    }
                    QVERIFY(residual.at(r->token_text) > 0);
                } else {
                    QVERIFY(r->residual.empty());
                }
                // every verified position's candidates carry the tables' p and q
                for (const std::vector<SpecCandidate>& position : r->positions)
                    for (const SpecCandidate& c : position) QVERIFY(std::abs(c.p - m_p.at(c.text)) < 1e-6);
                for (int i = 0; i < r->accepted; ++i) rebuilt += r->drafts[size_t(i)].text;
                rebuilt += r->token_text;
            }
            // the rounds add up to the output
            QCOMPARE(rebuilt, run(n).final_text());
        }
    }

    void theOutputFollowsPAndTheDraftsQ() {
        for (const int n : {1, 2, 8}) {
            QVERIFY(chi_square(symbol_counts(run(n).final_text()), m_p) < kChiSquare3Df01);
            std::map<std::string, int> drafted;
            for (const SpecRoundEvent* r : run(n).all<SpecRoundEvent>())
                for (const DraftTokenRecord& d : r->drafts) ++drafted[d.text];
            QVERIFY(chi_square(drafted, m_q) < kChiSquare3Df01);
        }
        // run 1 in the lesson's numbers
        const std::map<std::string, int> output = symbol_counts(run(1).final_text());
        QCOMPARE(output, (std::map<std::string, int>{{"A", 209}, {"B", 159}, {"C", 96}, {"D", 47}}));
        std::map<std::string, int> drafted, verified, accepted, resampled;
        for (const SpecRoundEvent* r : run(1).all<SpecRoundEvent>()) {
            for (const DraftTokenRecord& d : r->drafts) {
                ++drafted[d.text];
                if (d.outcome != "unverified") ++verified[d.text];
                if (d.outcome == "accepted") ++accepted[d.text];
            }
            if (r->token_kind == "resampled") ++resampled[r->token_text];
        }
        QCOMPARE(drafted["C"] + drafted["D"], 417);
        QCOMPARE(accepted["C"], 87);
        QCOMPARE(verified["C"], 143);
        QCOMPARE(accepted["D"], 45);
        QCOMPARE(verified["D"], 131);
        QCOMPARE(accepted["A"], verified["A"]);
        QCOMPARE(accepted["B"], verified["B"]);
        QCOMPARE(resampled, (std::map<std::string, int>{{"A", 103}, {"B", 39}}));
        // each within two standard deviations of min(1, p/q) and of the residual
        const auto within = [](int hits, int trials, double probability) {
            return std::abs(double(hits) / trials - probability) < 2 * std::sqrt(probability * (1 - probability) / trials);
        };
        QVERIFY(within(87, 143, 2.0 / 3));
        QVERIFY(within(45, 131, 1.0 / 3));
        QVERIFY(within(103, 142, 2.0 / 3));
    }

    void theFirstRoundsOfRunOne() {
        const std::vector<const SpecRoundEvent*> rounds = run(1).all<SpecRoundEvent>();
        const auto drafts = [](const SpecRoundEvent* r) {
            std::string s;
            for (const DraftTokenRecord& d : r->drafts) s += d.text;
            return s;
        };
        QCOMPARE(drafts(rounds[0]), std::string("BADC"));
        QCOMPARE(rounds[0]->accepted, 2);
        QVERIFY(std::abs(*rounds[0]->drafts[2].r - 0.468) < 0.0005);
        QCOMPARE(rounds[0]->token_text, std::string("A"));
        QCOMPARE(rounds[0]->emitted, 3);
        QCOMPARE(drafts(rounds[1]).substr(0, 2), std::string("AC"));
        QCOMPARE(rounds[1]->accepted, 1);
        QVERIFY(std::abs(*rounds[1]->drafts[1].r - 0.871) < 0.0005);
        QCOMPARE(rounds[1]->token_text, std::string("B"));
        QCOMPARE(rounds[2]->drafts[0].text, std::string("C"));
        QCOMPARE(rounds[2]->accepted, 0);
        QVERIFY(std::abs(*rounds[2]->drafts[0].r - 0.757) < 0.0005);
        QCOMPARE(rounds[2]->token_text, std::string("B"));
        QVERIFY(run(1).final_text().rfind("BAAABB", 0) == 0);
    }

    void greedyWithADraftIsPlainGreedy() {
        const std::vector<int> plain = tokens_of(run(3));
        QCOMPARE(int(plain.size()), 32);
        QCOMPARE(tokens_of(run(4)), plain);
        QCOMPARE(tokens_of(run(5)), plain);
        QCOMPARE(tokens_of(run(6)), tokens_of(run(7)));
        QCOMPARE(int(run(3).all<RunEvent>().front()->prompt_tokens.size()), 36);
        QVERIFY(run(3).all<SpecRoundEvent>().empty());
        for (const int n : {4, 5, 6})
            for (const SpecRoundEvent* r : run(n).all<SpecRoundEvent>()) QVERIFY(r->residual.empty());
        // the draft model: 8 rounds, 30 drafts, 24 accepted, 2 rejected, 4.0 tokens a pass, 23 saved
        const SpecSummaryEvent& model = *run(4).all<SpecSummaryEvent>().front();
        QCOMPARE(model.drafter, std::string("model"));
        QCOMPARE(tally(run(4)).rounds, 8);
        QCOMPARE(model.target_passes, 8);
        QCOMPARE(model.drafted, 30);
        QCOMPARE(tally(run(4)).accepted, 24);
        QCOMPARE(tally(run(4)).rejected, 2);
        QVERIFY(std::abs(tally(run(4)).alpha() - 0.923) < 0.0005);
        QCOMPARE(model.tokens_per_target_pass, 4.0);
        QCOMPARE(model.target_passes_saved, 31 - 8);
        // prompt lookup on the prompt it can copy from: 17 rounds, α = 15/20, 1.88 a pass, 14 saved
        const SpecSummaryEvent& lookup = *run(5).all<SpecSummaryEvent>().front();
        QCOMPARE(lookup.drafter, std::string("ngram"));
        QCOMPARE(lookup.draft_passes, 0);
        QCOMPARE(tally(run(5)).rounds, 17);
        QCOMPARE(tally(run(5)).accepted, 15);
        QCOMPARE(tally(run(5)).rejected, 5);
        QVERIFY(std::abs(lookup.tokens_per_target_pass - 1.88) < 0.005);
        QCOMPARE(lookup.target_passes_saved, 14);
        // prompt lookup with nothing to copy: 7 verified drafts, all rejected
        const Tally none = tally(run(6));
        QCOMPARE(none.accepted, 0);
        QCOMPARE(none.rejected, 7);
        const SpecSummaryEvent& nothing = *run(6).all<SpecSummaryEvent>().front();
        QCOMPARE(nothing.alpha, 0.0);
        QCOMPARE(nothing.tokens_per_target_pass, 1.0);
        QCOMPARE(nothing.target_passes_saved, 0);
    }
};

static const bool registered = register_lesson_test<TestLesson07>();

#include "lesson_07.moc"
