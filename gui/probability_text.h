// A probability as the chat and the inspector write it, in percent without the sign: one
// decimal from 0.1 % up, else two significant digits ("0.0071"), so that the flat distributions
// of a small or confused model do not read as a column of "0.0".
#pragma once

#include <cmath>

#include <QLocale>
#include <QString>

namespace qe::gui {

inline QString probabilityPercent(double p) {
    const QLocale locale;
    const double percent = 100.0 * p;
    if (!(percent > 0)) return locale.toString(0);
    if (percent >= 0.1) return locale.toString(percent, 'f', 1);
    if (percent < 1e-4) return QLatin1Char('<') + locale.toString(1e-4, 'f', 4);
    const int decimals = static_cast<int>(std::ceil(-std::log10(percent))) + 1;
    return locale.toString(percent, 'f', decimals);
}

}  // namespace qe::gui
