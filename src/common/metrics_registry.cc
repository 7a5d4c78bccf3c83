#include "common/metrics_registry.h"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace floe {

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

namespace {

bool IsNameStart(char c, bool colon) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':');
}

bool IsName(std::string_view name, bool colon) {
  if (name.empty() || !IsNameStart(name.front(), colon)) return false;
  return std::all_of(name.begin() + 1, name.end(), [colon](char c) {
    return IsNameStart(c, colon) || std::isdigit(static_cast<unsigned char>(c));
  });
}

}  // namespace

bool IsValidMetricName(std::string_view name) { return IsName(name, true); }

bool IsValidLabelName(std::string_view name) {
  return IsName(name, false) && !name.starts_with("__");
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<int64_t>[]>(bounds_.size())) {}

void Histogram::Observe(double value) {
  // The first bound >= value is the bucket; above the last bound only count and sum move.
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  if (bucket != bounds_.end()) {
    buckets_[bucket - bounds_.begin()].fetch_add(1, std::memory_order_relaxed);
  }
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

HistogramValue Histogram::Read() const {
  HistogramValue value;
  value.bounds = bounds_;
  int64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    value.cumulative.push_back(running);
  }
  // Read after the buckets: a concurrent Observe then never shows a bucket above the count.
  value.count = std::max(running, count_.load(std::memory_order_relaxed));
  value.sum = sum_.load(std::memory_order_relaxed);
  return value;
}

MetricFamily::MetricFamily(std::string name, std::string help, MetricType type,
                           std::vector<std::string> label_names, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

MetricFamily::Child& MetricFamily::ChildAt(const std::vector<std::string>& label_values) {
  // A wrong number of label values is a bug in the caller, never input.
  assert(label_values.size() == label_names_.size());
  return children_[label_values];
}

Counter& MetricFamily::CounterAt(const std::vector<std::string>& label_values) {
  assert(type_ == MetricType::kCounter);
  std::lock_guard lock(mutex_);
  Child& child = ChildAt(label_values);
  if (!child.counter) child.counter = std::make_unique<Counter>();
  return *child.counter;
}

Gauge& MetricFamily::GaugeAt(const std::vector<std::string>& label_values) {
  assert(type_ == MetricType::kGauge);
  std::lock_guard lock(mutex_);
  Child& child = ChildAt(label_values);
  if (!child.gauge) child.gauge = std::make_unique<Gauge>();
  return *child.gauge;
}

Histogram& MetricFamily::HistogramAt(const std::vector<std::string>& label_values) {
  assert(type_ == MetricType::kHistogram);
  std::lock_guard lock(mutex_);
  Child& child = ChildAt(label_values);
  if (!child.histogram) child.histogram = std::make_unique<Histogram>(bounds_);
  return *child.histogram;
}

void MetricFamily::Bind(const std::vector<std::string>& label_values,
                        std::function<double()> read) {
  assert(type_ != MetricType::kHistogram);
  std::lock_guard lock(mutex_);
  ChildAt(label_values).read = std::move(read);
}

void MetricFamily::BindHistogram(const std::vector<std::string>& label_values,
                                 std::function<HistogramValue()> read) {
  assert(type_ == MetricType::kHistogram);
  std::lock_guard lock(mutex_);
  ChildAt(label_values).read_histogram = std::move(read);
}

void MetricFamily::Remove(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  children_.erase(label_values);
}

MetricFamilySnapshot MetricFamily::Read() const {
  MetricFamilySnapshot snapshot{name_, help_, type_, label_names_, {}};
  std::lock_guard lock(mutex_);
  for (const auto& [labels, child] : children_) {
    MetricSample sample;
    sample.label_values = labels;
    if (child.read) {
      sample.value = child.read();
    } else if (child.read_histogram) {
      sample.histogram = child.read_histogram();
    } else if (child.counter) {
      sample.value = static_cast<double>(child.counter->value());
    } else if (child.gauge) {
      sample.value = child.gauge->value();
    } else if (child.histogram) {
      sample.histogram = child.histogram->Read();
    } else {
      continue;
    }
    snapshot.samples.push_back(std::move(sample));
  }
  return snapshot;
}

Result<MetricFamily*> MetricsRegistry::Family(const std::string& name, const std::string& help,
                                              MetricType type, std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  if (!IsValidMetricName(name)) return InvalidArgument("metric name '{}' is not valid", name);
  for (const std::string& label : label_names) {
    // "le" is the histogram's own bucket label.
    if (!IsValidLabelName(label) || (type == MetricType::kHistogram && label == "le")) {
      return InvalidArgument("metric {}: label name '{}' is not valid", name, label);
    }
  }
  if (!std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end()) {
    return InvalidArgument("metric {}: histogram bounds must be strictly ascending", name);
  }
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) {
    if (family->name() != name) continue;
    if (family->type() != type || family->label_names() != label_names) {
      return InvalidArgument("metric {} is registered already with another type or labels", name);
    }
    return family.get();
  }
  families_.push_back(
      std::make_unique<MetricFamily>(name, help, type, std::move(label_names), std::move(bounds)));
  return families_.back().get();
}

void MetricsRegistry::AddCollector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::vector<MetricFamilySnapshot> MetricsRegistry::Read() const {
  std::lock_guard reading(read_mutex_);
  std::vector<std::function<void()>> collectors;
  std::vector<const MetricFamily*> families;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  // Collectors may register families: they run without the registry's lock.
  for (const auto& collect : collectors) collect();
  {
    std::lock_guard lock(mutex_);
    for (const auto& family : families_) families.push_back(family.get());
  }
  std::vector<MetricFamilySnapshot> snapshots;
  for (const MetricFamily* family : families) snapshots.push_back(family->Read());
  return snapshots;
}

}  // namespace floe
