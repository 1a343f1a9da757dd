#include "views/temperature_playground.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "views/candidate_chart.h"

namespace {

// The slider works in hundredths of a degree.
constexpr int kSliderScale = 100;

}  // namespace

TemperaturePlayground::TemperaturePlayground(QWidget* parent)
    : QWidget(parent),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_label(new QLabel(this)),
      m_value(new QLabel(this)),
      m_note(new QLabel(this)),
      m_chart(new CandidateChart(this)) {
    m_slider->setObjectName(QStringLiteral("temperatureSlider"));
    m_slider->setRange(int(std::lround(kMinTemperature * kSliderScale)),
                       int(std::lround(kMaxTemperature * kSliderScale)));
    m_slider->setSingleStep(1);
    m_slider->setPageStep(kSliderScale / 4);
    m_slider->setValue(kSliderScale);
    m_chart->setObjectName(QStringLiteral("temperatureChart"));
    m_note->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_label);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_value);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_note);
    layout->addWidget(m_chart, 1);

    connect(m_slider, &QSlider::valueChanged, this, [this] { redraw(); });
    retranslate();
}

void TemperaturePlayground::retranslate() {
    m_slider->setToolTip(tr("Temperature: divide every logit by T before the softmax"));
    m_label->setText(tr("Temperature"));
    redraw();
}

void TemperaturePlayground::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange) retranslate();
}

void TemperaturePlayground::setCandidates(std::vector<float> logits, std::vector<int> shown,
                                          const QStringList& categories, const QList<int>& highlighted) {
    m_logits = std::move(logits);
    m_shown = std::move(shown);
    m_categories = categories;
    m_highlighted = highlighted;
    redraw();
}

void TemperaturePlayground::setTemperature(double temperature) {
    const double t = std::clamp(temperature, kMinTemperature, kMaxTemperature);
    m_slider->setValue(int(std::lround(t * kSliderScale)));
}

double TemperaturePlayground::temperature() const { return double(m_slider->value()) / kSliderScale; }

std::vector<double> TemperaturePlayground::softmax(const std::vector<float>& logits, double temperature) {
    std::vector<double> p(logits.size(), 0.0);
    double top = -HUGE_VAL;
    for (float l : logits) top = std::max(top, double(l));
    if (!std::isfinite(top)) return p;
    // dividing (l − max) by T equals dividing l by T and then shifting by max / T
    double sum = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
        p[i] = std::exp((double(logits[i]) - top) / temperature);
        sum += p[i];
    }
    for (double& v : p) v /= sum;
    return p;
}

void TemperaturePlayground::redraw() {
    const double t = temperature();
    m_value->setText(tr("T = %1").arg(t, 0, 'f', 2));
    m_distribution = softmax(m_logits, t);
    const std::vector<double> reference = softmax(m_logits, 1.0);
    CandidateChart::Bars atOne{tr("T = 1"), {}};
    CandidateChart::Bars atT{tr("T = %1").arg(t, 0, 'f', 2), {}};
    for (int i : m_shown) {
        atOne.values.append(reference[size_t(i)]);
        atT.values.append(m_distribution[size_t(i)]);
    }
    const int n = int(m_logits.size());
    m_note->setText(n == 0 ? tr("No candidates at this step.")
                           : tr("softmax(logit / T) over the %n traced candidate(s): a lower T sharpens the "
                                "distribution, a higher T flattens it.",
                                nullptr, n));
    m_chart->setTitle(tr("Temperature playground"));
    m_chart->setBars(m_categories,
                     n == 0 ? QList<CandidateChart::Bars>{} : QList<CandidateChart::Bars>{atOne, atT},
                     m_highlighted, false);
}
