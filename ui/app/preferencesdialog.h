// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace qpalm {

class AppSettings;

// Edits the app's preferences; applies them to AppSettings on OK.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PreferencesDialog(AppSettings *settings, QWidget *parent = nullptr);
    ~PreferencesDialog() override;

    // Writes the fields to the settings (what OK does).
    void apply();
    // True when the user asked to put docks back where they started.
    bool resetLayoutRequested() const { return m_resetLayout; }

private:
    AppSettings *m_settings;
    QComboBox *m_startPolicy = nullptr;
    QCheckBox *m_confirmQuit = nullptr;
    QCheckBox *m_edgeRates = nullptr;
    QSpinBox *m_temporaryMinutes = nullptr;
    QSpinBox *m_logCapacity = nullptr;
    QSpinBox *m_maxRecent = nullptr;
    bool m_resetLayout = false;
};

} // namespace qpalm
