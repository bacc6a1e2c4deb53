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

struct Frame
{
    bool isObject = false;
    bool expectingKey = false; // objects: the next string is a key
    int index = 0;             // arrays: the current element
    QSet<QString> keys;
};

QString decodeString(const QByteArray &quoted)
{
    if (!quoted.contains('\\'))
        return QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
    const QJsonDocument doc = QJsonDocument::fromJson('[' + quoted + ']');
    return doc.array().at(0).toString();
}

} // namespace

std::optional<DuplicateJsonKey> findDuplicateKey(const QByteArray &json)
{
    QList<Frame> stack;
    int line = 1;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        switch (c) {
        case '\n':
            ++line;
            break;
        case '{':
            stack.append(Frame{true, true, 0, {}});
            break;
        case '[':
            stack.append(Frame{false, false, 0, {}});
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
            if (stack.isEmpty() || !stack.last().isObject || !stack.last().expectingKey)
                break;
            const QString key = decodeString(json.mid(start, i - start + 1));
            if (stack.last().keys.contains(key)) {
                const int entry =
                    stack.size() >= 3 && !stack.at(1).isObject ? stack.at(1).index : -1;
                return DuplicateJsonKey{key, line, entry};
            }
            stack.last().keys.insert(key);
            break;
        }
        default:
            break;
        }
    }
    return std::nullopt;
}

int jsonKeyLine(const QByteArray &json, const QStringList &path)
{
    struct Level
    {
        bool isObject = false;
        bool expectingKey = false;
        int index = 0;
        QString key; // objects: the key whose value is being read
    };
    QList<Level> stack;
    int line = 1;
    int bestDepth = 0;
    int bestLine = 0;
    // The position path of the innermost level's current element matches path so far.
    auto consider = [&] {
        const int depth = int(stack.size());
        if (depth > path.size() || depth <= bestDepth)
            return;
        for (int k = 0; k < depth; ++k) {
            const Level &level = stack.at(k);
            const QString part =
                level.isObject ? level.key : QStringLiteral("#%1").arg(level.index);
            if (part != path.at(k))
                return;
        }
        bestDepth = depth;
        bestLine = line;
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        switch (c) {
        case '\n':
            ++line;
            break;
        case '{':
        case '[':
            if (!stack.isEmpty() && !stack.last().isObject)
                consider(); // an array item
            stack.append(Level{c == '{', c == '{', 0, {}});
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
                consider();
            }
            break;
        }
        default:
            break;
        }
        if (bestDepth == path.size())
            break;
    }
    return bestLine;
}

} // namespace qpalm
