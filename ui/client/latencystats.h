// SPDX-FileCopyrightText: 2026 The qpalm developers
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <vector>

namespace qpalm {

// Latency percentiles in fixed memory: exact up to a few thousand samples, then a log histogram
// (<1% error).
class LatencyStats
{
public:
    LatencyStats();

    // Records one latency in milliseconds (negative values count as 0).
    void add(double milliseconds);
    void clear();

    qint64 count() const { return m_count; }
    double minimum() const { return m_count ? m_min : 0.0; }
    double maximum() const { return m_count ? m_max : 0.0; }
    double mean() const { return m_count ? m_sum / double(m_count) : 0.0; }
    // The value below which a fraction q (0..1) of the samples lie; 0 when empty.
    double percentile(double q) const;

private:
    static constexpr int ExactLimit = 4096;
    static constexpr int BucketCount = 4096;
    static int bucketOf(double milliseconds);
    static double bucketUpperBound(int bucket);
    void spillToHistogram();

    std::vector<double> m_exact;          // used while m_count <= ExactLimit
    mutable std::vector<double> m_sorted; // scratch for exact percentiles
    mutable bool m_sortedValid = false;
    std::vector<quint32> m_buckets; // used once past ExactLimit
    qint64 m_count = 0;
    double m_sum = 0.0;
    double m_min = 0.0;
    double m_max = 0.0;
};

} // namespace qpalm
