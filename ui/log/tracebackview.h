// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QListWidget>

namespace qpalm {

// Lines of one record's text and traceback; a line naming a script position acts as a link.
class TracebackView : public QListWidget
{
    Q_OBJECT
public:
    enum Role { FileRole = Qt::UserRole + 1, LineRole };
    static constexpr int MaxLines = 5000;

    explicit TracebackView(QWidget *parent = nullptr);

    // Shows text then traceback, one item per line; empty strings clear the view.
    void setContent(const QString &text, const QString &traceback);
    // The item of the first line that is a link, or nullptr.
    QListWidgetItem *firstLinkItem() const;

Q_SIGNALS:
    // GUI thread: a link line was clicked or activated with Enter.
    void locationActivated(const QString &file, int line);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    void activate(QListWidgetItem *item);
};

} // namespace qpalm
