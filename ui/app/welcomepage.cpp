// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "welcomepage.h"

#include "mainwindow.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace qpalm {

namespace {
constexpr int kRecentOffered = 5;
}

WelcomePage::WelcomePage(QWidget *parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_hint(new QLabel(this)),
      m_demo(new QPushButton(tr("Run the &Demo Cluster"), this)),
      m_recentTitle(new QLabel(tr("<b>Recent clusters</b>"), this))
{
    setObjectName(QStringLiteral("welcomePage"));
    m_heading->setObjectName(QStringLiteral("welcomeHeading"));
    m_hint->setObjectName(QStringLiteral("welcomeHint"));
    m_hint->setWordWrap(true);
    m_hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // never widens the window
    m_heading->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_demo->setObjectName(QStringLiteral("welcomeDemo"));
    m_demo->setToolTip(tr("A master with workers and a pipeline, started at once"));
    auto *open = new QPushButton(tr("&Open Cluster File…"), this);
    open->setObjectName(QStringLiteral("welcomeOpen"));
    auto *newServer = new QPushButton(tr("&New Server…"), this);
    newServer->setObjectName(QStringLiteral("welcomeNewServer"));
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    connect(open, &QPushButton::clicked, this, &WelcomePage::openRequested);
    connect(newServer, &QPushButton::clicked, this, &WelcomePage::newServerRequested);

    auto *column = new QVBoxLayout;
    column->addWidget(m_heading);
    column->addWidget(m_hint);
    column->addSpacing(8);
    column->addWidget(m_demo);
    column->addWidget(open);
    column->addWidget(newServer);
    column->addSpacing(12);
    column->addWidget(m_recentTitle);
    m_recentLayout = new QVBoxLayout;
    m_recentLayout->setSpacing(2);
    column->addLayout(m_recentLayout);
    auto *outer = new QVBoxLayout(this);
    outer->addStretch(1);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addLayout(column, 4);
    row->addStretch(1);
    outer->addLayout(row);
    outer->addStretch(2);
    setClusterLoaded(false, 0);
    setRecentFiles({});
}

void WelcomePage::setDemoAvailable(bool available)
{
    m_demo->setVisible(available);
}

void WelcomePage::setClusterLoaded(bool loaded, int servers)
{
    if (!loaded || servers == 0) {
        m_heading->setText(tr("<h2>qpalm</h2>"));
        m_hint->setText(
            tr("Run and watch a PALM (pylm) cluster: open a cluster file, or try the demo. "
               "Then send a job from the Client panel, follow the log, click an error's "
               "traceback to land on its script line, fix it and press Apply (Ctrl+Return)."));
    } else {
        m_heading->setText(tr("<h3>No script open</h3>"));
        m_hint->setText(tr("Open Server's Script (in the Cluster panel's menu) or click a "
                           "traceback line to edit a script. F5 starts every server."));
    }
}

void WelcomePage::setRecentFiles(const QStringList &paths)
{
    while (QLayoutItem *item = m_recentLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_offered = paths.mid(0, kRecentOffered);
    for (const QString &path : std::as_const(m_offered)) {
        auto *button = new QPushButton(MainWindow::recentLabel(path), this);
        button->setObjectName(QStringLiteral("welcomeRecent"));
        button->setFlat(true);
        button->setStyleSheet(QStringLiteral("text-align: left;"));
        button->setToolTip(QDir::toNativeSeparators(path));
        button->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
        connect(button, &QPushButton::clicked, this,
                [this, path] { Q_EMIT recentRequested(path); });
        m_recentLayout->addWidget(button);
    }
    m_recentTitle->setVisible(!m_offered.isEmpty());
}

} // namespace qpalm
