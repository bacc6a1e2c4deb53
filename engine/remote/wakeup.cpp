// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "wakeup.h"

#include <fcntl.h>
#include <unistd.h>

namespace qpalm::remote {

Wakeup::Wakeup()
{
    if (::pipe(m_fds) != 0) {
        m_fds[0] = m_fds[1] = -1;
        return;
    }
    for (int fd : m_fds) {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
}

Wakeup::~Wakeup()
{
    for (int fd : m_fds) {
        if (fd >= 0)
            ::close(fd);
    }
}

void Wakeup::notify()
{
    const char byte = 1;
    if (m_fds[1] >= 0)
        (void)!::write(m_fds[1], &byte, 1); // a full pipe already wakes the poller
}

void Wakeup::drain()
{
    char bytes[64];
    while (m_fds[0] >= 0 && ::read(m_fds[0], bytes, sizeof bytes) > 0) {
    }
}

} // namespace qpalm::remote
