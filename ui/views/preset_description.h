// A device preset's description in the interface language. The core describes the A100
// preset in English prose; the others' descriptions are product names ("H100 SXM5 80GB")
// and read the same in every language.
#pragma once

#include <QString>

#include "attention/device_preset.h"

QString presetDescription(const dlab::DevicePreset& preset);
