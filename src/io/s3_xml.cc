#include "io/s3_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace floe::io {

namespace {

/// Appends code point `cp` as UTF-8.
void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Decodes the entity at the start of `text` (which begins with '&'); returns how many bytes
/// it took, or 0 when it is not one we know (the '&' is then kept as it is).
size_t DecodeEntity(std::string_view text, std::string& out) {
  size_t end = text.find(';');
  if (end == std::string_view::npos || end > 12) return 0;
  std::string_view name = text.substr(1, end - 1);
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out.push_back(c);
      return end + 1;
    }
  }
  if (name.size() >= 2 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    std::string_view digits = name.substr(hex ? 2 : 1);
    uint32_t cp = 0;
    auto [ptr, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
    if (digits.empty() || error != std::errc() || ptr != digits.data() + digits.size() ||
        cp > 0x10FFFF) {
      return 0;
    }
    AppendUtf8(out, cp);
    return end + 1;
  }
  return 0;
}

/// An S3 timestamp, "2026-11-22T05:00:00.000Z" (UTC; the fraction is optional), as
/// milliseconds since the epoch.
std::optional<int64_t> ParseIsoMillis(std::string_view text) {
  const auto number = [&](size_t at, size_t digits) -> std::optional<int> {
    if (at + digits > text.size()) return std::nullopt;
    int value = 0;
    auto [end, error] = std::from_chars(text.data() + at, text.data() + at + digits, value);
    if (error != std::errc() || end != text.data() + at + digits) return std::nullopt;
    return value;
  };
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text.back() != 'Z') {
    return std::nullopt;
  }
  std::optional<int> year = number(0, 4), month = number(5, 2), day = number(8, 2),
                     hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  int millis = 0;
  if (text[19] == '.') {
    const size_t digits = text.size() - 21;  // between '.' and 'Z'
    if (digits == 0) return std::nullopt;
    std::optional<int> fraction = number(20, std::min<size_t>(digits, 3));
    if (!fraction) return std::nullopt;
    millis = *fraction;
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  } else if (text.size() != 20) {
    return std::nullopt;
  }
  std::tm parts{};
  parts.tm_year = *year - 1900;
  parts.tm_mon = *month - 1;
  parts.tm_mday = *day;
  parts.tm_hour = *hour;
  parts.tm_min = *minute;
  parts.tm_sec = *second;
  const time_t seconds = timegm(&parts);
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

}  // namespace

std::string XmlUnescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      size_t used = DecodeEntity(text.substr(i), out);
      if (used > 0) {
        i += used;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> found;
  const std::string open = fmt::format("<{}", tag);
  const std::string close = fmt::format("</{}>", tag);
  size_t at = 0;
  while ((at = xml.find(open, at)) != std::string_view::npos) {
    size_t name_end = at + open.size();
    // "<Key" must not match "<KeyCount": the name ends at '>', '/' or whitespace.
    if (name_end >= xml.size()) break;
    char next = xml[name_end];
    if (next != '>' && next != '/' && next != ' ' && next != '\t' && next != '\n' && next != '\r') {
      at = name_end;
      continue;
    }
    size_t tag_end = xml.find('>', name_end);
    if (tag_end == std::string_view::npos) break;
    if (xml[tag_end - 1] == '/') {  // <Tag/>
      found.emplace_back();
      at = tag_end + 1;
      continue;
    }
    size_t content_end = xml.find(close, tag_end + 1);
    if (content_end == std::string_view::npos) break;
    found.push_back(xml.substr(tag_end + 1, content_end - tag_end - 1));
    at = content_end + close.size();
  }
  return found;
}

std::optional<std::string> XmlText(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> elements = XmlElements(xml, tag);
  if (elements.empty()) return std::nullopt;
  return XmlUnescape(elements.front());
}

Result<S3ListPage> ParseListObjectsV2(std::string_view xml) {
  if (XmlElements(xml, "ListBucketResult").empty()) {
    return Corrupt("ListObjectsV2 reply has no ListBucketResult: '{}'", xml.substr(0, 200));
  }
  S3ListPage page;
  for (std::string_view contents : XmlElements(xml, "Contents")) {
    S3ListedObject object;
    std::optional<std::string> key = XmlText(contents, "Key");
    if (!key) return Corrupt("ListObjectsV2 reply has an entry without a Key");
    object.key = std::move(*key);
    std::string size = XmlText(contents, "Size").value_or("");
    auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), object.size_bytes);
    if (size.empty() || error != std::errc() || end != size.data() + size.size()) {
      return Corrupt("ListObjectsV2 reply gives key '{}' the size '{}'", object.key, size);
    }
    if (std::optional<std::string> modified = XmlText(contents, "LastModified")) {
      std::optional<int64_t> millis = ParseIsoMillis(*modified);
      if (!millis) {
        return Corrupt("ListObjectsV2 reply gives key '{}' the LastModified '{}'", object.key,
                       *modified);
      }
      object.modified_ms = *millis;
    }
    page.objects.push_back(std::move(object));
  }
  page.truncated = XmlText(xml, "IsTruncated").value_or("false") == "true";
  if (page.truncated) {
    page.next_continuation_token = XmlText(xml, "NextContinuationToken").value_or("");
    if (page.next_continuation_token.empty()) {
      return Corrupt("ListObjectsV2 reply is truncated but has no NextContinuationToken");
    }
  }
  return page;
}

Result<std::string> ParseInitiateMultipartUpload(std::string_view xml) {
  std::optional<std::string> id = XmlText(xml, "UploadId");
  if (!id || id->empty()) {
    return Corrupt("CreateMultipartUpload reply has no UploadId: '{}'", xml.substr(0, 200));
  }
  return std::move(*id);
}

std::optional<S3ErrorBody> ParseErrorBody(std::string_view xml) {
  std::vector<std::string_view> errors = XmlElements(xml, "Error");
  if (errors.empty()) return std::nullopt;
  S3ErrorBody body;
  body.code = XmlText(errors.front(), "Code").value_or("");
  body.message = XmlText(errors.front(), "Message").value_or("");
  return body;
}

std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const S3CompletedPart& part : parts) {
    xml += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", part.part_number,
                       XmlEscape(part.etag));
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

}  // namespace floe::io
