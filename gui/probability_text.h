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
    // Rounded to two significant digits first: the rounding can carry into the next decade
    // (0.00999 is "0.010", not "0.0100"; 0.0999 is "0.1").
    const double scale = std::pow(10.0, 1 - std::floor(std::log10(percent)));
    const double rounded = std::round(percent * scale) / scale;
    if (rounded >= 0.1) return locale.toString(rounded, 'f', 1);
    return locale.toString(rounded, 'f', 1 - static_cast<int>(std::floor(std::log10(rounded) + 1e-9)));
}

}  // namespace qe::gui
