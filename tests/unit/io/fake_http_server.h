#pragma once

// A tiny HTTP/1.1 server on 127.0.0.1 for the S3 client's tests: each request goes to a handler
// that says what to answer (or to drop the connection), and every request is recorded. Enough
// of HTTP for curl: Content-Length bodies, keep-alive, HEAD without a body.

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace floe::io::testing {

struct FakeRequest {
  std::string method;
  std::string path;                            // as sent, still encoded
  std::string query;                           // after '?', still encoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool drop = false;  // close the connection without answering
};

/// Thread safety: the handler is called from one thread per connection, concurrently.
class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const FakeRequest&)>;

  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    ::listen(listen_fd_, 64);
    socklen_t length = sizeof(address);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }

  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  ~FakeHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    acceptor_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& thread : connections_) thread.join();
  }

  std::string endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

  std::vector<FakeRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Accept() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      open_fds_.insert(fd);
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int fd) {
    std::string pending;
    while (true) {
      FakeRequest request;
      if (!ReadRequest(fd, pending, request)) break;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      FakeResponse response = handler_(request);
      if (response.drop) break;
      std::string out = fmt::format("HTTP/1.1 {} X\r\n", response.status);
      bool has_length = false;
      for (const auto& [name, value] : response.headers) {
        out += fmt::format("{}: {}\r\n", name, value);
        if (name == "Content-Length") has_length = true;
      }
      if (!has_length) out += fmt::format("Content-Length: {}\r\n", response.body.size());
      out += "\r\n";
      if (request.method != "HEAD") out += response.body;
      if (!WriteAll(fd, out)) break;
    }
    {
      std::lock_guard lock(mutex_);
      open_fds_.erase(fd);
    }
    ::close(fd);
  }

  static bool WriteAll(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  static bool ReadMore(int fd, std::string& pending) {
    char chunk[65536];
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    pending.append(chunk, static_cast<size_t>(n));
    return true;
  }

  static bool ReadRequest(int fd, std::string& pending, FakeRequest& request) {
    size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(fd, pending)) return false;
    }
    std::string head = pending.substr(0, end);
    pending.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string first = head.substr(0, line_end);
    size_t space1 = first.find(' ');
    size_t space2 = first.find(' ', space1 + 1);
    request.method = first.substr(0, space1);
    std::string target = first.substr(space1 + 1, space2 - space1 - 1);
    size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    size_t at = line_end == std::string::npos ? head.size() : line_end + 2;
    while (at < head.size()) {
      size_t next = head.find("\r\n", at);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(at, next - at);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t value_start = line.find_first_not_of(' ', colon + 1);
        request.headers[name] =
            value_start == std::string::npos ? std::string() : line.substr(value_start);
      }
      at = next + 2;
    }
    size_t length = 0;
    if (auto found = request.headers.find("content-length"); found != request.headers.end()) {
      length = std::stoul(found->second);
    }
    while (pending.size() < length) {
      if (!ReadMore(fd, pending)) return false;
    }
    request.body = pending.substr(0, length);
    pending.erase(0, length);
    return true;
  }

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connections_;  // guarded by mutex_ while the acceptor runs
  std::set<int> open_fds_;                // guarded by mutex_
  std::vector<FakeRequest> requests_;     // guarded by mutex_
};

}  // namespace floe::io::testing
