#include "common/logger.h"

#include <fmt/chrono.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <vector>

namespace floe {

namespace {

constexpr std::string_view kMask = "***";
constexpr size_t kMinSecretLength = 4;

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

/// Masks the value following each secret-named key in `text`.
std::string MaskKeyValues(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsKeyChar(text[i]) || (i > 0 && IsKeyChar(text[i - 1]))) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsKeyChar(text[end])) ++end;
    std::string_view key = text.substr(i, end - i);
    out.append(key);
    i = end;
    // A key may be quoted: "key": "value".
    size_t at = i;
    if (at < text.size() && text[at] == '"') ++at;
    while (at < text.size() && text[at] == ' ') ++at;
    if (at >= text.size() || (text[at] != '=' && text[at] != ':') || !IsSecretKey(key)) continue;
    ++at;
    while (at < text.size() && text[at] == ' ') ++at;
    const bool quoted = at < text.size() && text[at] == '"';
    if (quoted) ++at;
    size_t value_end = at;
    while (value_end < text.size() &&
           (quoted ? text[value_end] != '"'
                   : !std::isspace(static_cast<unsigned char>(text[value_end])) &&
                         text[value_end] != ',' && text[value_end] != '&' &&
                         text[value_end] != ')' && text[value_end] != '}')) {
      ++value_end;
    }
    if (value_end == at) continue;
    out.append(text.substr(i, at - i));
    out.append(kMask);
    i = value_end;
  }
  return out;
}

/// Masks "Bearer <token>" and scheme://user:password@host.
std::string MaskTokensAndUrls(std::string text) {
  for (size_t at = Lower(text).find("bearer "); at != std::string::npos;
       at = Lower(text).find("bearer ", at + 1)) {
    const size_t start = at + 7;
    size_t end = start;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
           text[end] != '"' && text[end] != ',') {
      ++end;
    }
    if (end > start) text.replace(start, end - start, kMask);
  }
  for (size_t scheme = text.find("://"); scheme != std::string::npos;
       scheme = text.find("://", scheme + 3)) {
    const size_t start = scheme + 3;
    const size_t at = text.find('@', start);
    const size_t stop = text.find_first_of("/ \"", start);
    if (at == std::string::npos || (stop != std::string::npos && stop < at)) continue;
    const size_t colon = text.find(':', start);
    if (colon == std::string::npos || colon > at) continue;
    text.replace(colon + 1, at - colon - 1, kMask);
  }
  return text;
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string NowIso() {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds,
                     static_cast<int>((now - seconds).count()));
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Result<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return InvalidArgument("--log-format: '{}' is not one of text, json", text);
}

bool IsSecretKey(std::string_view key) {
  const std::string lower = Lower(key);
  static constexpr std::array<std::string_view, 9> kParts = {
      "secret",      "password",    "token",   "credential",   "access-key",
      "private-key", "session-key", "api-key", "authorization"};
  for (std::string_view part : kParts) {
    if (lower.find(part) != std::string::npos) return true;
  }
  // "access_key", "secret_key" and friends with underscores.
  return lower.find("access_key") != std::string::npos ||
         lower.find("api_key") != std::string::npos;
}

std::string RedactSecrets(std::string_view text) {
  // Tokens first: a key's mask would hide the "Bearer" that finds the token after it.
  return MaskKeyValues(MaskTokensAndUrls(std::string(text)));
}

void Logger::set_format(LogFormat format) {
  std::lock_guard lock(mutex_);
  format_ = format;
}

void Logger::set_min_level(LogLevel level) {
  std::lock_guard lock(mutex_);
  min_level_ = level;
}

void Logger::AddSecret(std::string value) {
  if (value.size() < kMinSecretLength) return;
  std::lock_guard lock(mutex_);
  // "id:secret" credentials: the secret part alone is a secret too.
  if (size_t colon = value.find(':');
      colon != std::string::npos && value.size() - colon - 1 >= kMinSecretLength) {
    secrets_.insert(value.substr(colon + 1));
  }
  secrets_.insert(std::move(value));
}

void Logger::AddSecretsFrom(const std::map<std::string, std::string>& properties) {
  for (const auto& [key, value] : properties) {
    if (IsSecretKey(key)) AddSecret(value);
  }
}

std::string Logger::Mask(std::string_view text) const {
  std::string out = RedactSecrets(text);
  // Longest first, so that "id:secret" is masked whole before "secret".
  std::vector<const std::string*> ordered;
  for (const std::string& secret : secrets_) ordered.push_back(&secret);
  std::sort(ordered.begin(), ordered.end(),
            [](const std::string* a, const std::string* b) { return a->size() > b->size(); });
  for (const std::string* secret : ordered) {
    for (size_t at = out.find(*secret); at != std::string::npos;
         at = out.find(*secret, at + kMask.size())) {
      out.replace(at, secret->size(), kMask);
    }
  }
  return out;
}

void Logger::Log(LogLevel level, std::string_view message,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::lock_guard lock(mutex_);
  if (level < min_level_) return;
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","msg":"{}")", NowIso(), LogLevelName(level),
                       JsonEscape(Mask(message)));
    for (const auto& [key, value] : fields) {
      const std::string shown = IsSecretKey(key) ? std::string(kMask) : Mask(value);
      line += fmt::format(R"(,"{}":"{}")", JsonEscape(key), JsonEscape(shown));
    }
    line += "}\n";
  } else {
    line = level == LogLevel::kInfo ? "floe: " : fmt::format("floe: {}: ", LogLevelName(level));
    // One event, one line: a message spanning lines keeps them joined.
    std::string shown = Mask(message);
    std::replace(shown.begin(), shown.end(), '\n', ' ');
    line += shown;
    for (const auto& [key, value] : fields) {
      line += fmt::format(" {}={}", key, IsSecretKey(key) ? std::string(kMask) : Mask(value));
    }
    line += '\n';
  }
  *out_ << line << std::flush;
}

void Logger::Error(const Status& status) {
  LogFormat format = LogFormat::kText;
  {
    std::lock_guard lock(mutex_);
    format = format_;
  }
  if (format == LogFormat::kJson) {
    Log(LogLevel::kError, status.message(), {{"kind", ErrorKindName(status.kind())}});
    return;
  }
  Log(LogLevel::kError, fmt::format("{} ({})", status.message(), ErrorKindName(status.kind())));
}

}  // namespace floe
