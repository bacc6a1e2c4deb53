// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace qpalm {

// Tab texts for files (absolute paths, in tab order): the file name, and for names shared by
// several files the shortest tail of folders that tells each apart ("a/worker.lua",
// "b/worker.lua"), as Qt Creator and Kate do. Same order as files.
QStringList distinctTabNames(const QStringList &files);

} // namespace qpalm
