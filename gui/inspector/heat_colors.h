// Colour scales shared by the inspector views: a perceptually ordered dark-blue → teal → yellow
// ramp (like viridis) for values in [0, 1], and a red → green ramp for token probabilities.
#pragma once

#include <algorithm>
#include <cmath>

#include <QColor>

namespace qe::gui {

inline QColor heatColor(double t) {
    static constexpr int kStops[][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
    const double x = t * 4.0;
    const int i = std::min(static_cast<int>(x), 3);
    const double f = x - i;
    auto mix = [&](int c) { return static_cast<int>(std::lround(kStops[i][c] + f * (kStops[i + 1][c] - kStops[i][c]))); };
    return QColor(mix(0), mix(1), mix(2));
}

// Background for a token of probability p: red (unlikely) through amber to green (likely).
inline QColor probabilityColor(double p) {
    p = std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 0.0;
    return QColor::fromHsvF(static_cast<float>(p * 0.33), 0.35f, 1.0f);
}

// Background for a token by the attention it gets, t in [0, 1]: white (none) to deep blue.
inline QColor attentionColor(double t) {
    t = std::isfinite(t) ? std::clamp(t, 0.0, 1.0) : 0.0;
    return QColor::fromHsvF(0.6f, static_cast<float>(0.9 * t), static_cast<float>(1.0 - 0.45 * t));
}

// Black or white, whichever reads better on `background`.
inline QColor textOn(const QColor& background) {
    return background.lightnessF() > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

}  // namespace qe::gui
