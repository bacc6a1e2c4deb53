// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "jsonduplicates.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QSet>

namespace qpalm {

namespace {

struct Level
{
    bool isObject = false;
    bool expectingKey = false; // objects: the next string is a key
    int index = 0;             // arrays: the current element
    QString key;               // objects: the key whose value is being read
    QSet<QString> keys;        // objects: the keys seen so far
};

QString decodeString(const QByteArray &quoted)
{
    if (!quoted.contains('\\'))
        return QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
    const QJsonDocument doc = QJsonDocument::fromJson('[' + quoted + ']');
    return doc.array().at(0).toString();
}

// Walks the structure of valid JSON, keeping the stack of open objects and arrays. Calls
// onItem(stack, line) when an object or array starts as an array item, and onKey(stack, key,
// line) for every object key (stack.last().key is already set); stops when either returns true.
template <typename OnItem, typename OnKey>
void walkJson(const QByteArray &json, OnItem onItem, OnKey onKey)
{
    QList<Level> stack;
    int line = 1;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        switch (c) {
        case '\n':
            ++line;
            break;
        case '{':
        case '[':
            if (!stack.isEmpty() && !stack.last().isObject && onItem(stack, line))
                return;
            stack.append(Level{c == '{', c == '{', 0, {}, {}});
            break;
        case '}':
        case ']':
            if (!stack.isEmpty())
                stack.removeLast();
            break;
        case ':':
            if (!stack.isEmpty())
                stack.last().expectingKey = false;
            break;
        case ',':
            if (!stack.isEmpty()) {
                if (stack.last().isObject)
                    stack.last().expectingKey = true;
                else
                    ++stack.last().index;
            }
            break;
        case '"': {
            const qsizetype start = i;
            for (++i; i < json.size() && json.at(i) != '"'; ++i) {
                if (json.at(i) == '\\')
                    ++i;
            }
            if (!stack.isEmpty() && stack.last().isObject && stack.last().expectingKey) {
                stack.last().key = decodeString(json.mid(start, i - start + 1));
                if (onKey(stack, stack.last().key, line))
                    return;
            }
            break;
        }
        default:
            break;
        }
    }
}

} // namespace

std::optional<DuplicateJsonKey> findDuplicateKey(const QByteArray &json)
{
    std::optional<DuplicateJsonKey> found;
    walkJson(
        json, [](const QList<Level> &, int) { return false; },
        [&](QList<Level> &stack, const QString &key, int line) {
            if (stack.last().keys.contains(key)) {
                const int entry =
                    stack.size() >= 3 && !stack.at(1).isObject ? stack.at(1).index : -1;
                found = DuplicateJsonKey{key, line, entry};
                return true;
            }
            stack.last().keys.insert(key);
            return false;
        });
    return found;
}

int jsonKeyLine(const QByteArray &json, const QStringList &path)
{
    int bestDepth = 0;
    int bestLine = 0;
    // The position path of the innermost level's current element matches path so far.
    auto consider = [&](const QList<Level> &stack, int line) {
        const int depth = int(stack.size());
        if (depth > path.size() || depth <= bestDepth)
            return false;
        for (int k = 0; k < depth; ++k) {
            const Level &level = stack.at(k);
            const QString part =
                level.isObject ? level.key : QStringLiteral("#%1").arg(level.index);
            if (part != path.at(k))
                return false;
        }
        bestDepth = depth;
        bestLine = line;
        return bestDepth == path.size();
    };
    walkJson(json, consider, [&](const QList<Level> &stack, const QString &, int line) {
        return consider(stack, line);
    });
    return bestLine;
}

} // namespace qpalm
