// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#include "latencystats.h"

#include <algorithm>
#include <cmath>

namespace qpalm {

namespace {
// Buckets grow by 0.5% from 1 microsecond: 4096 of them reach about 12 minutes.
constexpr double Smallest = 0.001;
constexpr double Growth = 1.005;
const double LogGrowth = std::log(Growth);
} // namespace

LatencyStats::LatencyStats()
{
    m_exact.reserve(256);
}

void LatencyStats::add(double milliseconds)
{
    if (!(milliseconds > 0.0)) // also catches NaN
        milliseconds = 0.0;
    if (m_count == 0) {
        m_min = m_max = milliseconds;
    } else {
        m_min = std::min(m_min, milliseconds);
        m_max = std::max(m_max, milliseconds);
    }
    ++m_count;
    m_sum += milliseconds;
    if (m_buckets.empty()) {
        m_exact.push_back(milliseconds);
        m_sortedValid = false;
        if (m_exact.size() > std::size_t(ExactLimit))
            spillToHistogram();
    } else {
        ++m_buckets[std::size_t(bucketOf(milliseconds))];
    }
}

void LatencyStats::clear()
{
    m_exact.clear();
    m_sorted.clear();
    m_sortedValid = false;
    m_buckets.clear();
    m_count = 0;
    m_sum = m_min = m_max = 0.0;
}

double LatencyStats::percentile(double q) const
{
    if (m_count == 0)
        return 0.0;
    q = std::clamp(q, 0.0, 1.0);
    // Nearest rank: the smallest value with at least q of the samples at or below it.
    const qint64 rank = std::max<qint64>(1, qint64(std::ceil(q * double(m_count))));
    if (m_buckets.empty()) {
        if (!m_sortedValid) {
            m_sorted = m_exact;
            std::sort(m_sorted.begin(), m_sorted.end());
            m_sortedValid = true;
        }
        return m_sorted[std::size_t(rank - 1)];
    }
    qint64 seen = 0;
    for (int i = 0; i < BucketCount; ++i) {
        seen += m_buckets[std::size_t(i)];
        if (seen >= rank)
            return std::clamp(bucketUpperBound(i), m_min, m_max);
    }
    return m_max;
}

int LatencyStats::bucketOf(double milliseconds)
{
    if (milliseconds <= Smallest)
        return 0;
    const int bucket = int(std::ceil(std::log(milliseconds / Smallest) / LogGrowth));
    return std::clamp(bucket, 0, BucketCount - 1);
}

double LatencyStats::bucketUpperBound(int bucket)
{
    return Smallest * std::pow(Growth, double(bucket));
}

void LatencyStats::spillToHistogram()
{
    m_buckets.assign(std::size_t(BucketCount), 0);
    for (double value : m_exact)
        ++m_buckets[std::size_t(bucketOf(value))];
    m_exact.clear();
    m_exact.shrink_to_fit();
    m_sorted.clear();
    m_sorted.shrink_to_fit();
    m_sortedValid = false;
}

} // namespace qpalm
