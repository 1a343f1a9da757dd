// The temperature playground (温度): a slider from 0.05 to 3.0 reshapes one step's
// distribution live as softmax(logit / T) over the traced candidates' raw logits — the
// textbook's temperature formula computed here, independent of the engine. A low T sharpens
// the distribution towards the largest logit, a high T flattens it; the chart draws the
// reshaped distribution beside the one at T = 1.
#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QSlider;
QT_END_NAMESPACE
class CandidateChart;

class TemperaturePlayground : public QWidget {
    Q_OBJECT

public:
    static constexpr double kMinTemperature = 0.05;
    static constexpr double kMaxTemperature = 3.0;

    explicit TemperaturePlayground(QWidget* parent = nullptr);

    // `logits`: every traced candidate of one sequence (the distribution is normalized over
    // them); `shown`: which of them the chart draws, labelled by `categories`;
    // `highlighted`: indices into `shown` of the chosen tokens.
    void setCandidates(std::vector<float> logits, std::vector<int> shown, const QStringList& categories,
                       const QList<int>& highlighted);
    // Clamped to [kMinTemperature, kMaxTemperature], in the slider's steps of 0.01.
    void setTemperature(double temperature);
    double temperature() const;
    // softmax(logit / T) at the current temperature, one value per logit, in their order.
    const std::vector<double>& distribution() const { return m_distribution; }

    // softmax(logits / temperature), shifted by the largest logit so no exponent overflows;
    // −∞ logits get 0, and all zeros when no logit is finite.
    static std::vector<double> softmax(const std::vector<float>& logits, double temperature);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void redraw();

    QSlider* m_slider;
    QLabel* m_label;
    QLabel* m_value;
    QLabel* m_note;
    CandidateChart* m_chart;
    std::vector<float> m_logits;         // [candidates]
    std::vector<int> m_shown;            // indices into m_logits
    QStringList m_categories;            // [shown]
    QList<int> m_highlighted;            // indices into m_shown
    std::vector<double> m_distribution;  // [candidates] at the slider's temperature
};
