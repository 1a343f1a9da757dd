#include "views/preset_description.h"

#include <QCoreApplication>

QString presetDescription(const dlab::DevicePreset& preset) {
    if (preset.name == "a100")
        return QCoreApplication::translate("DevicePreset",
                                           "A100 40GB, as in the FlashAttention paper and the textbook");
    return QString::fromStdString(preset.description);
}

QString tracePreset(const dlab::TraceTimeline* timeline) {
    const dlab::RunEvent* run = timeline ? timeline->run() : nullptr;
    if (!run) return {};
    const auto it = run->parameters.find("device-preset");
    if (it == run->parameters.end()) return {};
    for (const dlab::DevicePreset& preset : dlab::device_presets())
        if (preset.name == it->second) return QString::fromStdString(preset.name);
    return {};
}
