// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
// Lua 5.4 pattern matching (string.find, match, gmatch, gsub) with a step budget: the stock
// matcher can backtrack inside one C function for hours, where no time limit reaches. This one
// checks the call's stop flag every kCheckEvery steps and raises the time-limit error.

#include "luaapi.h"

#include <cctype>
#include <cstring>

namespace qpalm {

using namespace luadetail;

namespace {

constexpr int kMaxCaptures = 32; // LUA_MAXCAPTURES
constexpr int kMaxDepth = 200;   // nesting of backtracking points, as the stock matcher
constexpr unsigned kCheckEvery = 4096;
constexpr std::ptrdiff_t kUnfinished = -1;
constexpr std::ptrdiff_t kPosition = -2;
constexpr char kSpecials[] = "^$*+?.([%-";

// Plain-data state only: Lua errors unwind through these frames with longjmp.
struct Matcher
{
    lua_State *L;
    const char *subject;
    const char *subjectEnd;
    const char *patternEnd;
    int depthLeft;
    int level;
    unsigned untilCheck = kCheckEvery; // kept across the attempts of one call
    struct
    {
        const char *start;
        std::ptrdiff_t length;
    } captures[kMaxCaptures];
};

// Also call before each match attempt: resets the captures and the depth.
void startMatcher(Matcher &m, lua_State *L, const char *s, std::size_t ls, const char *p,
                  std::size_t lp)
{
    m.level = 0;
    m.depthLeft = kMaxDepth;
    m.L = L;
    m.subject = s;
    m.subjectEnd = s + ls;
    m.patternEnd = p + lp;
}

// Counts n steps of work; every kCheckEvery steps, raises if the call was stopped.
inline void step(Matcher &m, std::size_t n = 1)
{
    if (n < m.untilCheck) {
        m.untilCheck -= unsigned(n);
        return;
    }
    m.untilCheck = kCheckEvery;
    LuaApi::checkStop(m.L);
}

// %a, %d, ... (upper case: the complement); any other character stands for itself.
bool classMatches(int c, int cls)
{
    int yes = 0;
    switch (cls | 0x20) {
    case 'a':
        yes = std::isalpha(c);
        break;
    case 'c':
        yes = std::iscntrl(c);
        break;
    case 'd':
        yes = std::isdigit(c);
        break;
    case 'g':
        yes = std::isgraph(c);
        break;
    case 'l':
        yes = std::islower(c);
        break;
    case 'p':
        yes = std::ispunct(c);
        break;
    case 's':
        yes = std::isspace(c);
        break;
    case 'u':
        yes = std::isupper(c);
        break;
    case 'w':
        yes = std::isalnum(c);
        break;
    case 'x':
        yes = std::isxdigit(c);
        break;
    case 'z':
        yes = c == 0;
        break; // deprecated, still in Lua 5.4
    default:
        return cls == c;
    }
    return (yes != 0) != (std::isupper(cls) != 0);
}

// p at '[', close at the set's ']'.
bool setMatches(int c, const char *p, const char *close)
{
    bool inSet = true;
    if (p[1] == '^') {
        inSet = false;
        ++p;
    }
    while (++p < close) {
        if (*p == '%') {
            ++p;
            if (classMatches(c, static_cast<unsigned char>(*p)))
                return inSet;
        } else if (p[1] == '-' && p + 2 < close) {
            if (static_cast<unsigned char>(p[0]) <= c && c <= static_cast<unsigned char>(p[2]))
                return inSet;
            p += 2;
        } else if (static_cast<unsigned char>(*p) == c) {
            return inSet;
        }
    }
    return !inSet;
}

// The end of the single-character class starting at p.
const char *itemEnd(Matcher &m, const char *p)
{
    const char c = *p++;
    if (c == '%') {
        if (p >= m.patternEnd)
            luaL_error(m.L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (p < m.patternEnd && *p == '^')
            ++p;
        do { // the first character of a set is never its end
            if (p >= m.patternEnd)
                luaL_error(m.L, "malformed pattern (missing ']')");
            const char d = *p++;
            if (d == '%' && p < m.patternEnd)
                ++p;
        } while (p >= m.patternEnd || *p != ']');
        return p + 1;
    }
    return p;
}

bool itemMatches(Matcher &m, const char *s, const char *p, const char *end)
{
    if (s >= m.subjectEnd)
        return false;
    const int c = static_cast<unsigned char>(*s);
    switch (*p) {
    case '.':
        return true;
    case '%':
        return classMatches(c, static_cast<unsigned char>(p[1]));
    case '[':
        return setMatches(c, p, end - 1);
    default:
        return static_cast<unsigned char>(*p) == c;
    }
}

const char *match(Matcher &m, const char *s, const char *p);

const char *greedy(Matcher &m, const char *s, const char *p, const char *end)
{
    std::ptrdiff_t count = 0;
    while (itemMatches(m, s + count, p, end))
        ++count;
    step(m, std::size_t(count));
    for (; count >= 0; --count) {
        step(m);
        if (const char *found = match(m, s + count, end + 1))
            return found;
    }
    return nullptr;
}

const char *lazy(Matcher &m, const char *s, const char *p, const char *end)
{
    for (;;) {
        step(m);
        if (const char *found = match(m, s, end + 1))
            return found;
        if (!itemMatches(m, s, p, end))
            return nullptr;
        ++s;
    }
}

const char *openCapture(Matcher &m, const char *s, const char *p, std::ptrdiff_t what)
{
    if (m.level >= kMaxCaptures)
        luaL_error(m.L, "too many captures");
    m.captures[m.level].start = s;
    m.captures[m.level].length = what;
    ++m.level;
    const char *found = match(m, s, p);
    if (!found)
        --m.level;
    return found;
}

const char *closeCapture(Matcher &m, const char *s, const char *p)
{
    int open = m.level - 1;
    while (open >= 0 && m.captures[open].length != kUnfinished)
        --open;
    if (open < 0)
        luaL_error(m.L, "invalid pattern capture");
    m.captures[open].length = s - m.captures[open].start;
    const char *found = match(m, s, p);
    if (!found)
        m.captures[open].length = kUnfinished;
    return found;
}

const char *balanced(Matcher &m, const char *s, const char *p)
{
    if (p + 1 >= m.patternEnd)
        luaL_error(m.L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m.subjectEnd || *s != p[0])
        return nullptr;
    const char *from = s;
    int open = 1;
    while (++s < m.subjectEnd) {
        if (*s == p[1]) {
            if (--open == 0) {
                step(m, std::size_t(s - from));
                return s + 1;
            }
        } else if (*s == p[0]) {
            ++open;
        }
    }
    step(m, std::size_t(s - from));
    return nullptr;
}

const char *backReference(Matcher &m, const char *s, int digit)
{
    const int index = digit - '1';
    if (index < 0 || index >= m.level || m.captures[index].length == kUnfinished)
        luaL_error(m.L, "invalid capture index %%%d", index + 1);
    const std::ptrdiff_t length = m.captures[index].length;
    if (length < 0 || m.subjectEnd - s < length)
        return nullptr;
    step(m, std::size_t(length));
    return std::memcmp(m.captures[index].start, s, std::size_t(length)) == 0 ? s + length : nullptr;
}

// Where a match of pattern p at s ends, or nullptr.
const char *match(Matcher &m, const char *s, const char *p)
{
    if (m.depthLeft-- == 0)
        luaL_error(m.L, "pattern too complex");
    const char *result = nullptr;
    for (;;) {
        step(m);
        if (p >= m.patternEnd) {
            result = s;
            break;
        }
        if (*p == '(') {
            if (p + 1 < m.patternEnd && p[1] == ')')
                result = openCapture(m, s, p + 2, kPosition);
            else
                result = openCapture(m, s, p + 1, kUnfinished);
            break;
        }
        if (*p == ')') {
            result = closeCapture(m, s, p + 1);
            break;
        }
        if (*p == '$' && p + 1 == m.patternEnd) {
            result = s == m.subjectEnd ? s : nullptr;
            break;
        }
        if (*p == '%' && p + 1 < m.patternEnd) {
            const char kind = p[1];
            if (kind == 'b') {
                s = balanced(m, s, p + 2);
                if (!s)
                    break;
                p += 4;
                continue;
            }
            if (kind == 'f') {
                p += 2;
                if (p >= m.patternEnd || *p != '[')
                    luaL_error(m.L, "missing '[' after '%%f' in pattern");
                const char *end = itemEnd(m, p);
                const int before = s == m.subject ? 0 : static_cast<unsigned char>(s[-1]);
                const int here = s < m.subjectEnd ? static_cast<unsigned char>(*s) : 0;
                if (setMatches(before, p, end - 1) || !setMatches(here, p, end - 1))
                    break;
                p = end;
                continue;
            }
            if (kind >= '0' && kind <= '9') {
                s = backReference(m, s, kind);
                if (!s)
                    break;
                p += 2;
                continue;
            }
        }
        // One character class, maybe with a suffix.
        const char *end = itemEnd(m, p);
        const char suffix = end < m.patternEnd ? *end : '\0';
        if (!itemMatches(m, s, p, end)) {
            if (suffix == '*' || suffix == '?' || suffix == '-') {
                p = end + 1;
                continue;
            }
            break;
        }
        if (suffix == '?') {
            result = match(m, s + 1, end + 1);
            if (result)
                break;
            p = end + 1;
            continue;
        }
        if (suffix == '+') {
            result = greedy(m, s + 1, p, end);
            break;
        }
        if (suffix == '*') {
            result = greedy(m, s, p, end);
            break;
        }
        if (suffix == '-') {
            result = lazy(m, s, p, end);
            break;
        }
        ++s;
        p = end;
    }
    ++m.depthLeft;
    return result;
}

void pushCapture(Matcher &m, int index, const char *s, const char *e)
{
    if (index >= m.level) {
        if (index != 0)
            luaL_error(m.L, "invalid capture index %%%d", index + 1);
        lua_pushlstring(m.L, s, std::size_t(e - s));
        return;
    }
    const std::ptrdiff_t length = m.captures[index].length;
    if (length == kUnfinished)
        luaL_error(m.L, "unfinished capture");
    if (length == kPosition)
        lua_pushinteger(m.L, lua_Integer(m.captures[index].start - m.subject) + 1);
    else
        lua_pushlstring(m.L, m.captures[index].start, std::size_t(length));
}

// Pushes the captures (the whole match when there are none and s is given); returns how many.
int pushCaptures(Matcher &m, const char *s, const char *e)
{
    const int count = (m.level == 0 && s) ? 1 : m.level;
    luaL_checkstack(m.L, count, "too many captures");
    for (int i = 0; i < count; ++i)
        pushCapture(m, i, s, e);
    return count;
}

// As string.find's init: 1-based, negative from the end, clamped to 1.
std::size_t startOffset(lua_Integer position, std::size_t length)
{
    if (position > 0)
        return std::size_t(position) - 1;
    if (position == 0 || position < -lua_Integer(length))
        return 0;
    return std::size_t(lua_Integer(length) + position);
}

bool hasSpecials(const char *p, std::size_t lp)
{
    for (std::size_t i = 0; i < lp; ++i) {
        if (p[i] != '\0' && std::strchr(kSpecials, p[i]))
            return true;
    }
    return false;
}

int findOrMatch(lua_State *L, bool find)
{
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const std::size_t init = startOffset(luaL_optinteger(L, 3, 1), ls);
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !hasSpecials(p, lp))) {
        // Two-way search (glibc memmem): linear, where a naive search is quadratic.
        const void *found = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
        if (!found) {
            luaL_pushfail(L);
            return 1;
        }
        const lua_Integer at = static_cast<const char *>(found) - s;
        lua_pushinteger(L, at + 1);
        lua_pushinteger(L, at + lua_Integer(lp));
        return 2;
    }
    Matcher m;
    const bool anchored = lp > 0 && *p == '^';
    if (anchored) {
        ++p;
        --lp;
    }
    const char *from = s + init;
    do {
        startMatcher(m, L, s, ls, p, lp);
        if (const char *end = match(m, from, p)) {
            if (!find)
                return pushCaptures(m, from, end);
            lua_pushinteger(L, from - s + 1);
            lua_pushinteger(L, end - s);
            return pushCaptures(m, nullptr, nullptr) + 2;
        }
    } while (from++ < s + ls && !anchored);
    luaL_pushfail(L);
    return 1;
}

struct GmatchState
{
    std::size_t position;
    std::ptrdiff_t lastEnd; // -1: none yet
};

int gmatchNext(lua_State *L)
{
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    auto *state = static_cast<GmatchState *>(lua_touserdata(L, lua_upvalueindex(3)));
    Matcher m;
    for (const char *from = s + state->position; from <= s + ls; ++from) {
        startMatcher(m, L, s, ls, p, lp);
        const char *end = match(m, from, p);
        if (end && end - s != state->lastEnd) {
            state->position = std::size_t(end - s);
            state->lastEnd = end - s;
            return pushCaptures(m, from, end);
        }
    }
    state->position = ls + 1;
    return 0;
}

// Appends the replacement of the match s..e to buffer; false when the match is kept as is.
bool addReplacement(Matcher &m, luaL_Buffer *buffer, const char *s, const char *e, int type)
{
    lua_State *L = m.L;
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        const int count = pushCaptures(m, s, e);
        lua_call(L, count, 1);
    } else if (type == LUA_TTABLE) {
        pushCapture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        std::size_t lr = 0;
        const char *r = lua_tolstring(L, 3, &lr);
        const char *rEnd = r + lr;
        for (;;) {
            const char *percent =
                static_cast<const char *>(std::memchr(r, '%', std::size_t(rEnd - r)));
            if (!percent)
                break;
            luaL_addlstring(buffer, r, std::size_t(percent - r));
            const char c = percent + 1 < rEnd ? percent[1] : '\0';
            if (c == '%') {
                luaL_addchar(buffer, '%');
            } else if (c == '0') {
                luaL_addlstring(buffer, s, std::size_t(e - s));
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                pushCapture(m, c - '1', s, e);
                luaL_tolstring(L, -1, nullptr);
                lua_remove(L, -2);
                luaL_addvalue(buffer);
            } else {
                luaL_error(L, "invalid use of '%c' in replacement string", '%');
            }
            r = percent + 2;
        }
        luaL_addlstring(buffer, r, std::size_t(rEnd - r));
        return true;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(buffer, s, std::size_t(e - s));
        return false;
    }
    if (!lua_isstring(L, -1))
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(buffer);
    return true;
}

} // namespace

int LuaApi::strFind(lua_State *L)
{
    return findOrMatch(L, true);
}

int LuaApi::strMatch(lua_State *L)
{
    return findOrMatch(L, false);
}

int LuaApi::strGmatch(lua_State *L)
{
    std::size_t ls = 0;
    luaL_checklstring(L, 1, &ls);
    luaL_checklstring(L, 2, nullptr);
    std::size_t position = startOffset(luaL_optinteger(L, 3, 1), ls);
    if (position > ls)
        position = ls + 1;
    lua_settop(L, 2);
    auto *state = static_cast<GmatchState *>(lua_newuserdatauv(L, sizeof(GmatchState), 0));
    state->position = position;
    state->lastEnd = -1;
    lua_pushcclosure(L, &gmatchNext, 3);
    return 1;
}

int LuaApi::strGsub(lua_State *L)
{
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    const int type = lua_type(L, 3);
    const lua_Integer most = luaL_optinteger(L, 4, lua_Integer(ls) + 1);
    luaL_argexpected(L,
                     type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
                         type == LUA_TTABLE,
                     3, "string/function/table");
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    const bool anchored = lp > 0 && *p == '^';
    if (anchored) {
        ++p;
        --lp;
    }
    Matcher m;
    const char *from = s;
    const char *lastEnd = nullptr;
    lua_Integer count = 0;
    bool changed = false;
    while (count < most) {
        startMatcher(m, L, s, ls, p, lp);
        const char *end = match(m, from, p);
        if (end && end != lastEnd) {
            ++count;
            changed = addReplacement(m, &buffer, from, end, type) || changed;
            from = lastEnd = end;
        } else if (from < s + ls) {
            luaL_addchar(&buffer, *from++);
        } else {
            break;
        }
        if (anchored)
            break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&buffer, from, std::size_t(s + ls - from));
        luaL_pushresult(&buffer);
    }
    lua_pushinteger(L, count);
    return 2;
}

} // namespace qpalm
