#include "pipeline/interpolation.h"

#include <algorithm>
#include <cctype>

extern char** environ;  // POSIX: the process environment, "NAME=value" strings

namespace floe::pipeline {

namespace {

constexpr std::string_view kOpen = "${";
constexpr std::string_view kEscapedOpen = "$${";
constexpr std::string_view kDefaultSeparator = ":-";

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

Environment ProcessEnvironment() {
  Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    environment.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return environment;
}

Result<std::string> Interpolate(std::string_view text, const Environment& environment) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    if (text.substr(pos).starts_with(kEscapedOpen)) {
      out.append(kOpen);
      pos += kEscapedOpen.size();
      continue;
    }
    if (!text.substr(pos).starts_with(kOpen)) {
      out.push_back(text[pos++]);
      continue;
    }
    size_t close = text.find('}', pos);
    if (close == std::string_view::npos) {
      return InvalidArgument("unterminated '${{' in '{}' (write '$${{' for a literal '${{')", text);
    }
    std::string_view body = text.substr(pos + kOpen.size(), close - pos - kOpen.size());
    size_t separator = body.find(kDefaultSeparator);
    std::string_view name = body.substr(0, separator);
    if (name.empty() || !IsNameStart(name.front()) ||
        !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return InvalidArgument(
          "invalid variable reference '${{{}}}': expected ${{NAME}} or ${{NAME:-default}}", body);
    }
    auto it = environment.find(name);
    bool is_set = it != environment.end();
    if (separator != std::string_view::npos) {
      bool use_value = is_set && !it->second.empty();
      if (use_value) {
        out.append(it->second);
      } else {
        out.append(body.substr(separator + kDefaultSeparator.size()));
      }
    } else if (is_set) {
      out.append(it->second);
    } else {
      return InvalidArgument(
          "environment variable {} is not set (write ${{{}:-default}} to give a default)", name,
          name);
    }
    pos = close + 1;
  }
  return out;
}

}  // namespace floe::pipeline
