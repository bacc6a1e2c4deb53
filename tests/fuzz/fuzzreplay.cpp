// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Replays corpus files through a fuzz target, in any build (no libFuzzer needed):
//   qpalm_fuzz_replay TARGET FILE_OR_DIR...
// Exit 0 when every input passed, 1 on a usage error or an empty corpus; a finding aborts.

#include "fuzztargets.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s TARGET FILE_OR_DIR...\n", argv[0]);
        return 1;
    }
    const qpalm::fuzz::Target target = qpalm::fuzz::targetNamed(argv[1]);
    if (!target) {
        std::fprintf(stderr, "unknown target '%s' (message, peek, clusterfile, control)\n",
                     argv[1]);
        return 1;
    }
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        const fs::path path(argv[i]);
        if (fs::is_directory(path)) {
            for (const auto &entry : fs::directory_iterator(path)) {
                if (entry.is_regular_file())
                    files.push_back(entry.path());
            }
        } else if (fs::is_regular_file(path)) {
            files.push_back(path);
        } else {
            std::fprintf(stderr, "no such file or folder: %s\n", argv[i]);
            return 1;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "empty corpus\n");
        return 1;
    }
    for (const fs::path &file : files) {
        std::ifstream in(file, std::ios::binary);
        const std::vector<char> data{std::istreambuf_iterator<char>(in), {}};
        target(reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
    }
    std::printf("%s: %zu input(s) replayed, no finding\n", argv[1], files.size());
    return 0;
}
