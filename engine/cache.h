// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace qpalm {

struct Message;

// A server's key-value cache, served to clients and workers over REP.
class Cache
{
public:
    void set(const std::string &key, std::string value) { m_values[key] = std::move(value); }
    // pylm's set: stores value under key, or under a fresh uuid when key is empty; returns the key.
    std::string store(std::string value, const std::string &key);
    std::optional<std::string> get(const std::string &key) const;
    bool remove(const std::string &key) { return m_values.erase(key) > 0; }
    std::vector<std::string> keys() const;
    std::size_t size() const { return m_values.size(); }

    // Answers one pylm cache request (X.set / X.get / X.delete); verb is set to what was asked.
    std::string handleRequest(const Message &request, std::string *verb = nullptr);

private:
    std::unordered_map<std::string, std::string> m_values;
};

} // namespace qpalm
