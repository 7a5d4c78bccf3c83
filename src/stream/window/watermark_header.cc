#include "stream/window/watermark_header.h"

#include <fmt/format.h>

#include <charconv>
#include <iterator>

namespace floe::stream::window {

namespace {

/// The integer before the next ':' of `text`, which moves past it.
template <typename Int>
bool TakeInt(std::string_view* text, Int* value) {
  const size_t colon = text->find(':');
  if (colon == std::string_view::npos) return false;
  const char* end = text->data() + colon;
  auto [ptr, error] = std::from_chars(text->data(), end, *value);
  if (error != std::errc() || ptr != end) return false;
  text->remove_prefix(colon + 1);
  return true;
}

}  // namespace

std::string WatermarkHeader::Encode() const {
  std::string text;
  EncodeTo(&text);
  return text;
}

void WatermarkHeader::EncodeTo(std::string* out) const {
  out->clear();
  fmt::format_to(std::back_inserter(*out), "{}:{}:{}:{}", watermark_only ? 'w' : 'r',
                 source.partition, max_event_micros, source.topic);
}

std::optional<WatermarkHeader> WatermarkHeader::Parse(std::string_view text) {
  if (text.size() < 2 || text[1] != ':' || (text[0] != 'r' && text[0] != 'w')) return std::nullopt;
  WatermarkHeader header;
  header.watermark_only = text[0] == 'w';
  text.remove_prefix(2);
  if (!TakeInt(&text, &header.source.partition) || !TakeInt(&text, &header.max_event_micros) ||
      text.empty()) {
    return std::nullopt;
  }
  header.source.topic = std::string(text);
  return header;
}

}  // namespace floe::stream::window
