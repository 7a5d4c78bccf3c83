#pragma once

// Metrics of a process: counters, gauges and histograms in labelled families, read by a scrape
// (the Prometheus text in common/metrics_text.h is one way to print them). The hot path only
// touches atomics of children it looked up once; the lock guards creating children and reading.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"

namespace floe {

enum class MetricType : uint8_t { kCounter, kGauge, kHistogram };

/// "counter", "gauge", "histogram".
std::string_view MetricTypeName(MetricType type);

/// A count that only goes up. Thread safety: Add from any thread, lock-free.
class Counter {
 public:
  void Add(int64_t amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

/// A value that goes up and down. Thread safety: any thread, lock-free.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double amount) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// What a histogram holds at one moment: per upper bound, the observations <= it (cumulative).
struct HistogramValue {
  std::vector<double> bounds;       // ascending, without +Inf
  std::vector<int64_t> cumulative;  // one per bound
  int64_t count = 0;                // every observation (the +Inf bucket)
  double sum = 0;
};

/// Observations counted into fixed buckets. Thread safety: Observe from any thread, lock-free;
/// a read concurrent with Observe may see the count and the buckets one observation apart.
class Histogram {
 public:
  /// `bounds` ascending (checked by MetricFamily).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  HistogramValue Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> buckets_;  // per bound, not cumulative
  std::atomic<int64_t> count_{0};
  std::atomic<double> sum_{0};
};

/// One sample of a family at a scrape.
struct MetricSample {
  std::vector<std::string> label_values;  // in the family's label order
  double value = 0;                       // counters and gauges
  HistogramValue histogram;               // histograms
};

struct MetricFamilySnapshot {
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;
  std::vector<MetricSample> samples;  // ordered by label values
};

/// A metric name with its help, type and label names, and its children per label values: owned
/// ones (Counter, Gauge, Histogram, stable addresses for the family's lifetime) or values read by
/// a function at each scrape (Bind). Thread safety: every method may be called from any thread.
class MetricFamily {
 public:
  MetricFamily(std::string name, std::string help, MetricType type,
               std::vector<std::string> label_names, std::vector<double> bounds);

  /// The child of these label values (as many as the family has label names), made on first
  /// use. The family's type must match (a counter family gives counters).
  Counter& CounterAt(const std::vector<std::string>& label_values);
  Gauge& GaugeAt(const std::vector<std::string>& label_values);
  Histogram& HistogramAt(const std::vector<std::string>& label_values);
  /// A counter or gauge whose value `read` gives at each scrape (replacing an earlier binding
  /// of the same labels); `read` must stay valid while the family is scraped.
  void Bind(const std::vector<std::string>& label_values, std::function<double()> read);
  /// The same for a histogram family.
  void BindHistogram(const std::vector<std::string>& label_values,
                     std::function<HistogramValue()> read);
  /// Drops the child of these label values (a partition that went away).
  void Remove(const std::vector<std::string>& label_values);

  const std::string& name() const { return name_; }
  MetricType type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  MetricFamilySnapshot Read() const;

 private:
  struct Child {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;
    std::function<HistogramValue()> read_histogram;
  };
  Child& ChildAt(const std::vector<std::string>& label_values);

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, Child> children_;
};

/// The families of a process, and collectors that refresh scrape-time values (gauges whose label
/// sets change, such as Kafka partitions) before each read. Thread safety: any thread.
/// Lifetime: families live as long as the registry; references to them stay valid.
class MetricsRegistry {
 public:
  /// The family of this name, made on first use. InvalidArgument for a name or label name that
  /// Prometheus would refuse, unsorted histogram bounds, or a name already registered with
  /// another type or other labels.
  Result<MetricFamily*> Family(const std::string& name, const std::string& help, MetricType type,
                               std::vector<std::string> label_names,
                               std::vector<double> bounds = {});
  /// Runs before every Read(), in the order added.
  void AddCollector(std::function<void()> collect);
  /// Every family, in the order registered, after running the collectors.
  std::vector<MetricFamilySnapshot> Read() const;

 private:
  mutable std::mutex mutex_;
  // Held through a whole Read(): two scrapes at once must not interleave their collectors.
  mutable std::mutex read_mutex_;
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<std::function<void()>> collectors_;
};

/// [a-zA-Z_:][a-zA-Z0-9_:]* (Prometheus's metric names); labels take no ':' and no "__" start.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace floe
