// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "cache.h"

#include "message.h"

#include <algorithm>

namespace qpalm {

std::optional<std::string> Cache::get(const std::string &key) const
{
    const auto it = m_values.find(key);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string Cache::store(std::string value, const std::string &key)
{
    std::string actual = key.empty() ? newUuid() : key;
    m_values[actual] = std::move(value);
    return actual;
}

std::vector<std::string> Cache::keys() const
{
    std::vector<std::string> out;
    out.reserve(m_values.size());
    for (const auto &[key, value] : m_values)
        out.push_back(key);
    std::sort(out.begin(), out.end());
    return out;
}

std::string Cache::handleRequest(const Message &request, std::string *verb)
{
    std::string_view server;
    std::string_view instruction;
    if (!splitFunction(request.function, server, instruction))
        instruction = {};
    if (verb)
        verb->assign(instruction);

    if (instruction == "set")
        return store(request.payload, request.cache);
    if (instruction == "get") {
        return get(request.payload).value_or(std::string());
    }
    if (instruction == "delete") {
        remove(request.payload);
        return request.payload;
    }
    if (instruction == "keys") {
        std::string out;
        for (const std::string &key : keys()) {
            if (!out.empty())
                out.push_back('\0');
            out += key;
        }
        return out;
    }
    return {};
}

} // namespace qpalm
