// Shared helpers of the GUI tests: a tiny random-weight Qwen3 model with the real tokenizer,
// made by the CLI into a temporary folder, and an isolated settings / data location.
#pragma once

#include <functional>
#include <memory>

#include <QString>
#include <QTemporaryDir>

#include "gui/language.h"
#include "gui/main_window.h"
#include "gui/settings.h"

namespace qe::test {

// For the programs run by hand (gui_screenshots, gui_bench): unless QT_QPA_PLATFORM is set, the
// offscreen platform on the tests' screen (`configFile`, offscreen-screen.json). Call before the
// QApplication exists.
void useTestScreen(const char* configFile);

// Makes `make-model --preset tiny` (plus `options`) in dir/`name` and copies the Qwen3 tokenizer
// files into it. Returns the folder, or "" with `why` set (no tokenizer, CLI failed).
QString makeTinyModel(const QTemporaryDir& dir, QString* why, const QStringList& options = {},
                      const QString& name = QStringLiteral("model"));

// A main window on a fresh data folder and settings of its own (English UI, one thread).
struct WindowUnderTest {
    std::unique_ptr<QTemporaryDir> data;
    std::unique_ptr<gui::Settings> settings;
    std::unique_ptr<gui::LanguageManager> language;
    std::unique_ptr<gui::MainWindow> window;

    // `configure` adjusts the settings before the window exists. Shows the window and loads
    // `model`; false if it did not load within 60 s.
    bool open(const QString& model, const std::function<void(gui::Settings&)>& configure);
    // Destroys the window before what it uses.
    void close();
};

}  // namespace qe::test
