// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace qpalm {

// What the window shows where the script editor goes while no script is open: what to open
// (the demo, a recent file, Open…) or, with a cluster loaded, how to get to its scripts.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);

    // Recent cluster files, most recent first (the first few are offered).
    void setRecentFiles(const QStringList &paths);
    void setDemoAvailable(bool available);
    // With a cluster loaded the hint is about its scripts and servers instead.
    void setClusterLoaded(bool loaded, int servers);
    // The recent file buttons' paths, in order (tests).
    QStringList offeredFiles() const { return m_offered; }

Q_SIGNALS:
    // GUI thread: a button was clicked.
    void demoRequested();
    void openRequested();
    void recentRequested(const QString &path);
    void newServerRequested();

private:
    QLabel *m_heading;
    QLabel *m_hint;
    QPushButton *m_demo;
    QVBoxLayout *m_recentLayout;
    QLabel *m_recentTitle;
    QStringList m_offered;
};

} // namespace qpalm
