// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "preferencesdialog.h"

#include "appsettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qpalm {

PreferencesDialog::PreferencesDialog(AppSettings *settings, QWidget *parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(tr("Preferences"));
    auto *layout = new QVBoxLayout(this);

    auto *clusterBox = new QGroupBox(tr("Cluster"), this);
    auto *clusterForm = new QFormLayout(clusterBox);
    m_startPolicy = new QComboBox(clusterBox);
    m_startPolicy->setObjectName(QStringLiteral("startPolicy"));
    // In AppSettings::StartPolicy's order.
    m_startPolicy->addItems({tr("Ask each time"), tr("Start its servers"), tr("Only open it")});
    m_startPolicy->setToolTip(tr("What opening a cluster file does (the demo always starts)"));
    m_confirmQuit = new QCheckBox(tr("Ask before quitting while servers run"), clusterBox);
    m_confirmQuit->setObjectName(QStringLiteral("confirmQuit"));
    clusterForm->addRow(tr("When a cluster file opens:"), m_startPolicy);
    clusterForm->addRow(m_confirmQuit);
    layout->addWidget(clusterBox);

    auto *logBox = new QGroupBox(tr("Logging"), this);
    auto *logForm = new QFormLayout(logBox);
    m_temporaryMinutes = new QSpinBox(logBox);
    m_temporaryMinutes->setObjectName(QStringLiteral("temporaryMinutes"));
    m_temporaryMinutes->setRange(1, 24 * 60);
    m_temporaryMinutes->setSuffix(tr(" min"));
    m_temporaryMinutes->setToolTip(
        tr("How long \"Debug for a while\" keeps a server at DEBUG before restoring its level"));
    logForm->addRow(tr("Temporary level lasts:"), m_temporaryMinutes);
    m_logCapacity = new QSpinBox(logBox);
    m_logCapacity->setObjectName(QStringLiteral("logCapacity"));
    m_logCapacity->setRange(1000, 20'000'000);
    m_logCapacity->setSingleStep(100'000);
    m_logCapacity->setGroupSeparatorShown(true);
    m_logCapacity->setSuffix(tr(" records"));
    m_logCapacity->setToolTip(tr("The log viewer keeps this many records; the oldest go first"));
    logForm->addRow(tr("Log viewer keeps:"), m_logCapacity);
    layout->addWidget(logBox);

    auto *viewBox = new QGroupBox(tr("Display"), this);
    auto *viewForm = new QFormLayout(viewBox);
    m_edgeRates = new QCheckBox(tr("Show message rates on topology edges"), viewBox);
    m_maxRecent = new QSpinBox(viewBox);
    m_maxRecent->setRange(1, 50);
    viewForm->addRow(m_edgeRates);
    viewForm->addRow(tr("Recent files listed:"), m_maxRecent);
    auto *reset = new QPushButton(tr("Reset Window Layout"), viewBox);
    reset->setCheckable(true);
    reset->setToolTip(tr("Put every panel back where it was at first start (on OK)"));
    connect(reset, &QPushButton::toggled, this, [this](bool on) { m_resetLayout = on; });
    viewForm->addRow(reset);
    layout->addWidget(viewBox);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    m_startPolicy->setCurrentIndex(int(m_settings->startPolicy()));
    m_confirmQuit->setChecked(m_settings->confirmQuitWhileRunning());
    m_temporaryMinutes->setValue(m_settings->temporaryLevelMinutes());
    m_logCapacity->setValue(m_settings->logCapacity());
    m_edgeRates->setChecked(m_settings->showEdgeRates());
    m_maxRecent->setValue(m_settings->maxRecentFiles());
}

PreferencesDialog::~PreferencesDialog() = default;

void PreferencesDialog::apply()
{
    m_settings->setStartPolicy(AppSettings::StartPolicy(m_startPolicy->currentIndex()));
    m_settings->setConfirmQuitWhileRunning(m_confirmQuit->isChecked());
    m_settings->setTemporaryLevelMinutes(m_temporaryMinutes->value());
    m_settings->setLogCapacity(m_logCapacity->value());
    m_settings->setShowEdgeRates(m_edgeRates->isChecked());
    m_settings->setMaxRecentFiles(m_maxRecent->value());
}

} // namespace qpalm
