#include "views/preset_description.h"

#include <QCoreApplication>

QString presetDescription(const dlab::DevicePreset& preset) {
    if (preset.name == "a100")
        return QCoreApplication::translate("DevicePreset",
                                           "A100 40GB, as in the FlashAttention paper and the textbook");
    return QString::fromStdString(preset.description);
}
