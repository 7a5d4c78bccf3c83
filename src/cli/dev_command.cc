#include "cli/dev_command.h"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <memory>

#include "kafka/mock_cluster.h"

namespace floe::cli {

namespace {

constexpr size_t kReadChunk = 4096;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

Result<std::pair<std::string, int>> ParseTopic(std::string_view item) {
  const size_t colon = item.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("'{}': expected NAME:PARTITIONS", item);
  }
  std::string_view count = item.substr(colon + 1);
  int partitions = 0;
  auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), partitions);
  if (error != std::errc() || end != count.data() + count.size() || partitions < 1) {
    return InvalidArgument("'{}': the partition count must be a positive integer", item);
  }
  return std::make_pair(std::string(item.substr(0, colon)), partitions);
}

Result<int32_t> ParseBrokerId(std::string_view text) {
  int32_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("'{}' is not a broker id", text);
  }
  return id;
}

/// One stdin command; the answer line ("ok" or "error: ...").
std::string Execute(kafka::MockCluster& cluster, std::string_view line) {
  line = Trim(line);
  const size_t space = line.find(' ');
  std::string_view verb = line.substr(0, space);
  std::string_view argument = space == std::string_view::npos ? "" : Trim(line.substr(space + 1));
  Status status;
  if (verb == "down" || verb == "up") {
    auto id = ParseBrokerId(argument);
    status = id.ok() ? cluster.SetBrokerUp(*id, verb == "up") : id.status();
  } else if (verb == "create") {
    auto topic = ParseTopic(argument);
    status = topic.ok() ? cluster.CreateTopic(topic->first, topic->second) : topic.status();
  } else {
    status =
        InvalidArgument("unknown command '{}' (expected: down ID, up ID, create NAME:N)", line);
  }
  return status.ok() ? "ok" : fmt::format("error: {}", status.message());
}

constexpr const char* kKafkaHelp =
    "Serves librdkafka's mock Kafka cluster on 127.0.0.1 for tests and local jobs, until SIGINT\n"
    "or SIGTERM (exit 0). The first line of stdout is 'bootstrap=HOST:PORT[,HOST:PORT...]'\n"
    "(flushed), then one 'topic=NAME partitions=N' line per topic. Commands on stdin, one per\n"
    "line, each answered on stdout with 'ok' or 'error: ...':\n"
    "  down BROKER_ID            take a broker down (connections dropped and refused)\n"
    "  up BROKER_ID              bring it back\n"
    "  create NAME:PARTITIONS    create another topic\n"
    "EOF on stdin does not stop it (start it with </dev/null to run without commands).\n"
    "Broker ids are 1..--brokers. The mock creates unknown topics when clients ask for them,\n"
    "and accepts transactions without enforcing them (aborted messages stay visible).\n"
    "Example: floe dev kafka --topics profanity_words:3,output-topic:1 --brokers 3";

}  // namespace

Result<std::vector<std::pair<std::string, int>>> ParseTopicList(std::string_view text) {
  std::vector<std::pair<std::string, int>> topics;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    auto topic = ParseTopic(item);
    if (!topic.ok()) return topic.status().WithContext("--topics");
    topics.push_back(std::move(*topic));
  }
  return topics;
}

int RunDevKafka(const DevKafkaOptions& options, std::ostream& out, std::ostream& err) {
  auto topics = ParseTopicList(options.topics);
  if (!topics.ok()) {
    PrintErrorMessage(err, topics.status().message());
    return kExitUsage;
  }
  if (options.brokers < 1) {
    PrintErrorMessage(err, fmt::format("--brokers: '{}': expected 1 or more", options.brokers));
    return kExitUsage;
  }

  // Block the stop signals before the cluster's threads start (they inherit the mask), so that
  // only the signalfd below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    PrintErrorMessage(err, "cannot block SIGINT/SIGTERM");
    return kExitError;
  }
  const int signal_fd = signalfd(-1, &stop_signals, SFD_CLOEXEC);
  if (signal_fd < 0) {
    PrintErrorMessage(err, fmt::format("signalfd: {}", std::strerror(errno)));
    return kExitError;
  }

  auto cluster = kafka::MockCluster::Start(options.brokers, *topics);
  if (!cluster.ok()) {
    PrintErrorMessage(err, cluster.status().message());
    ::close(signal_fd);
    return kExitError;
  }
  out << "bootstrap=" << (*cluster)->bootstrap_servers() << "\n";
  for (const auto& [name, partitions] : *topics) {
    out << "topic=" << name << " partitions=" << partitions << "\n";
  }
  out.flush();
  err << "floe dev kafka: " << options.brokers << " broker(s) on "
      << (*cluster)->bootstrap_servers() << "; stop with SIGINT/SIGTERM\n";

  std::array<pollfd, 2> fds{pollfd{signal_fd, POLLIN, 0}, pollfd{STDIN_FILENO, POLLIN, 0}};
  nfds_t watched = 2;  // stdin is dropped at EOF
  std::string pending;
  std::array<char, kReadChunk> buffer{};
  while (true) {
    if (::poll(fds.data(), watched, -1) < 0) {
      if (errno == EINTR) continue;
      PrintErrorMessage(err, fmt::format("poll: {}", std::strerror(errno)));
      break;
    }
    if (fds[0].revents & POLLIN) break;  // SIGINT or SIGTERM: stop
    if (watched < 2 || fds[1].revents == 0) continue;
    const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      watched = 1;  // EOF (or an unreadable stdin): keep serving without commands
      continue;
    }
    pending.append(buffer.data(), static_cast<size_t>(got));
    for (size_t newline = pending.find('\n'); newline != std::string::npos;
         newline = pending.find('\n')) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (Trim(line).empty()) continue;
      out << Execute(**cluster, line) << std::endl;
    }
  }
  ::close(signal_fd);
  cluster->reset();
  err << "floe dev kafka: stopped\n";
  return 0;
}

void RegisterDevCommands(CLI::App& app, CommandContext& context) {
  auto kafka_options = std::make_shared<DevKafkaOptions>();
  CLI::App* dev = app.add_subcommand(
      "dev", "Local stand-ins for outside services (a mock Kafka cluster), for tests");
  dev->require_subcommand(1);
  CLI::App* kafka = dev->add_subcommand("kafka", "Serve a mock Kafka cluster on 127.0.0.1");
  kafka->footer(kKafkaHelp);
  kafka->add_option("--topics", kafka_options->topics,
                    "Topics to create, NAME:PARTITIONS,... e.g. profanity_words:3,output-topic:1");
  kafka->add_option("--brokers", kafka_options->brokers, "Number of brokers (ids 1..N)")
      ->capture_default_str();
  kafka->callback([&context, kafka_options] {
    context.exit_code = RunDevKafka(*kafka_options, std::cout, std::cerr);
  });
}

}  // namespace floe::cli
