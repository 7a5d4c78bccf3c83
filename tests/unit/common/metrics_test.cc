#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "common/metrics_registry.h"
#include "common/metrics_text.h"

namespace floe {
namespace {

TEST(MetricsTextTest, CountersAndGaugesWithEscapedLabels) {
  MetricsRegistry registry;
  auto records =
      registry.Family("floe_records_in_total", "Records read.", MetricType::kCounter, {"job"});
  ASSERT_TRUE(records.ok());
  (*records)->CounterAt({"orders"}).Add(41);
  (*records)->CounterAt({"orders"}).Add();
  auto lag = registry.Family("floe_kafka_consumer_lag", "Messages behind.\nPer partition \\ topic.",
                             MetricType::kGauge, {"job", "topic", "partition"});
  ASSERT_TRUE(lag.ok());
  (*lag)->GaugeAt({"orders", "a\"b\\c\nd", "0"}).Set(7);
  (*lag)->Bind({"orders", "t", "1"}, [] { return 2.5; });
  EXPECT_EQ(FormatPrometheusText(registry.Read()),
            "# HELP floe_records_in_total Records read.\n"
            "# TYPE floe_records_in_total counter\n"
            "floe_records_in_total{job=\"orders\"} 42\n"
            "# HELP floe_kafka_consumer_lag Messages behind.\\nPer partition \\\\ topic.\n"
            "# TYPE floe_kafka_consumer_lag gauge\n"
            "floe_kafka_consumer_lag{job=\"orders\",topic=\"a\\\"b\\\\c\\nd\",partition=\"0\"} 7\n"
            "floe_kafka_consumer_lag{job=\"orders\",topic=\"t\",partition=\"1\"} 2.5\n");
}

TEST(MetricsTextTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  auto family = registry.Family("floe_checkpoint_duration_seconds", "Duration.",
                                MetricType::kHistogram, {"job"}, {0.1, 1, 10});
  ASSERT_TRUE(family.ok());
  Histogram& histogram = (*family)->HistogramAt({"j"});
  for (double value : {0.05, 0.1, 0.5, 3.0, 20.0}) histogram.Observe(value);
  EXPECT_EQ(FormatPrometheusText(registry.Read()),
            "# HELP floe_checkpoint_duration_seconds Duration.\n"
            "# TYPE floe_checkpoint_duration_seconds histogram\n"
            "floe_checkpoint_duration_seconds_bucket{job=\"j\",le=\"0.1\"} 2\n"
            "floe_checkpoint_duration_seconds_bucket{job=\"j\",le=\"1\"} 3\n"
            "floe_checkpoint_duration_seconds_bucket{job=\"j\",le=\"10\"} 4\n"
            "floe_checkpoint_duration_seconds_bucket{job=\"j\",le=\"+Inf\"} 5\n"
            "floe_checkpoint_duration_seconds_sum{job=\"j\"} 23.65\n"
            "floe_checkpoint_duration_seconds_count{job=\"j\"} 5\n");
}

TEST(MetricsTextTest, SampleValues) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(1234567890123.0), "1234567890123");
  EXPECT_EQ(FormatSampleValue(0.25), "0.25");
  EXPECT_EQ(FormatSampleValue(1e300), "1e+300");
  EXPECT_EQ(FormatSampleValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatSampleValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
}

TEST(MetricsTextTest, FamilyWithoutSamplesPrintsNothingAndNoLabelsPrintNoBraces) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.Family("floe_unused", "x", MetricType::kGauge, {"job"}).ok());
  auto rss = registry.Family("process_resident_memory_bytes", "RSS.", MetricType::kGauge, {});
  ASSERT_TRUE(rss.ok());
  (*rss)->GaugeAt({}).Set(4096);
  EXPECT_EQ(FormatPrometheusText(registry.Read()),
            "# HELP process_resident_memory_bytes RSS.\n"
            "# TYPE process_resident_memory_bytes gauge\n"
            "process_resident_memory_bytes 4096\n");
}

TEST(MetricsRegistryTest, RefusesBadNamesAndConflictingRegistrations) {
  MetricsRegistry registry;
  EXPECT_FALSE(registry.Family("9lives", "", MetricType::kCounter, {}).ok());
  EXPECT_FALSE(registry.Family("a-b", "", MetricType::kCounter, {}).ok());
  EXPECT_FALSE(registry.Family("ok_name", "", MetricType::kCounter, {"__reserved"}).ok());
  EXPECT_FALSE(registry.Family("ok_name", "", MetricType::kCounter, {"a:b"}).ok());
  EXPECT_FALSE(registry.Family("h", "", MetricType::kHistogram, {"le"}, {1}).ok());
  EXPECT_FALSE(registry.Family("h", "", MetricType::kHistogram, {}, {2, 1}).ok());
  EXPECT_FALSE(registry.Family("h", "", MetricType::kHistogram, {}, {1, 1}).ok());
  auto first = registry.Family("ns:name_total", "", MetricType::kCounter, {"job"});
  ASSERT_TRUE(first.ok());
  auto again = registry.Family("ns:name_total", "", MetricType::kCounter, {"job"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*first, *again);
  auto status = registry.Family("ns:name_total", "", MetricType::kGauge, {"job"}).status();
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("ns:name_total"), std::string::npos) << status.message();
  EXPECT_FALSE(registry.Family("ns:name_total", "", MetricType::kCounter, {"sink"}).ok());
}

TEST(MetricsRegistryTest, CollectorsRunBeforeEachReadAndRemoveDropsChildren) {
  MetricsRegistry registry;
  MetricFamily* lag = *registry.Family("lag", "", MetricType::kGauge, {"partition"});
  int reads = 0;
  registry.AddCollector([&] {
    ++reads;
    lag->GaugeAt({std::to_string(reads)}).Set(reads);
    if (reads > 1) lag->Remove({std::to_string(reads - 1)});
  });
  (void)registry.Read();
  std::vector<MetricFamilySnapshot> second = registry.Read();
  ASSERT_EQ(second.size(), 1u);
  ASSERT_EQ(second[0].samples.size(), 1u);
  EXPECT_EQ(second[0].samples[0].label_values, std::vector<std::string>{"2"});
  EXPECT_EQ(second[0].samples[0].value, 2);
}

TEST(MetricsRegistryTest, ConcurrentIncrementsAreAllCounted) {
  MetricsRegistry registry;
  MetricFamily* family = *registry.Family("c_total", "", MetricType::kCounter, {"w"});
  MetricFamily* histogram_family = *registry.Family("h", "", MetricType::kHistogram, {}, {0.5});
  Counter& counter = family->CounterAt({"x"});
  Histogram& histogram = histogram_family->HistogramAt({});
  constexpr int kThreads = 4;
  constexpr int kEach = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        counter.Add();
        histogram.Observe(t % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), kThreads * kEach);
  HistogramValue value = histogram.Read();
  EXPECT_EQ(value.count, kThreads * kEach);
  EXPECT_EQ(value.cumulative[0], kThreads * kEach / 2);
  EXPECT_DOUBLE_EQ(value.sum, kEach * 2 * 0.25 + kEach * 2 * 1.0);
}

}  // namespace
}  // namespace floe
