#pragma once

// The process's log: one line per event, each with a level, as text for people
// ("floe: warning: ...") or as JSON for log shippers ({"ts":...,"level":"warn",...}). Secrets
// (tokens, keys, passwords, credential values) are masked before anything is written.

#include <initializer_list>
#include <map>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace floe {

enum class LogLevel : uint8_t { kDebug, kInfo, kWarn, kError };
enum class LogFormat : uint8_t { kText, kJson };

std::string_view LogLevelName(LogLevel level);
/// "text" or "json"; anything else is InvalidArgument naming it.
Result<LogFormat> ParseLogFormat(std::string_view text);

/// True for property and field names that hold secrets: *secret*, *password*, *token*,
/// *credential*, *access-key*, *private-key*, *session-key*, *api-key*, authorization.
bool IsSecretKey(std::string_view key);

/// `text` with secrets masked as "***": the value after a secret-named key (`key=value`,
/// `key: value`, `"key":"value"`), the token after "Bearer ", and the password of a URL's
/// user-info (scheme://user:password@host).
std::string RedactSecrets(std::string_view text);

/// One line per event on a stream. Owned by the command that runs (cli::Main), passed to what
/// logs. Thread safety: Log and AddSecret may be called from any thread; lines never interleave.
class Logger {
 public:
  explicit Logger(std::ostream& out, LogFormat format = LogFormat::kText,
                  LogLevel min_level = LogLevel::kInfo)
      : out_(&out), format_(format), min_level_(min_level) {}

  void set_format(LogFormat format);
  void set_min_level(LogLevel level);

  /// A value that must never be printed (a token, a password): masked wherever it appears.
  /// Values shorter than 4 characters are ignored (masking them would mangle ordinary text).
  void AddSecret(std::string value);
  /// AddSecret of every value whose key IsSecretKey.
  void AddSecretsFrom(const std::map<std::string, std::string>& properties);

  /// Writes one event: `message` and `fields` (key, value), secrets masked. Text:
  /// "floe: <level>: <message> key=value ..." (no level word for info); JSON: {"ts","level",
  /// "msg", then the fields}.
  void Log(LogLevel level, std::string_view message,
           std::initializer_list<std::pair<std::string_view, std::string_view>> fields = {});
  void Info(std::string_view message) { Log(LogLevel::kInfo, message); }
  void Warn(std::string_view message) { Log(LogLevel::kWarn, message); }
  void Error(std::string_view message) { Log(LogLevel::kError, message); }
  /// A failed command's Status: "message (kind)" at error level, the kind as a field in JSON.
  void Error(const Status& status);

 private:
  std::string Mask(std::string_view text) const;  // with mutex_ held

  std::mutex mutex_;
  std::ostream* out_;
  LogFormat format_;
  LogLevel min_level_;
  std::set<std::string> secrets_;
};

}  // namespace floe
