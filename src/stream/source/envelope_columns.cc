#include "stream/source/envelope_columns.h"

#include <map>

#include "format/json/row_encoder.h"
#include "iceberg/data_file_writer.h"

namespace floe::stream {

namespace {

/// Appends `bytes` as UTF-8: each byte that does not start a well-formed sequence becomes
/// U+FFFD (header values are bytes; string columns hold UTF-8).
void AppendUtf8Lossy(std::string_view bytes, std::string* out) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    size_t length = 0;
    uint32_t low = 0x80, high = 0xBF;  // the second byte's range (tighter for some leads)
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    }
    bool valid = length > 0 && i + length <= bytes.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      valid = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
    }
    if (valid) {
      out->append(bytes.data() + i, length);
      i += length;
    } else {
      out->append("\xEF\xBF\xBD");
      ++i;
    }
  }
}

/// Every header as a JSON object into `out` (false: the record has none, or is a line).
bool HeadersAsJson(const SourceChunk::Headers* headers, std::string* out) {
  if (headers == nullptr || headers->empty()) return false;
  // A repeated name keeps its last value, as a JSON object can hold a name once.
  std::map<std::string_view, std::string_view> last;
  for (const auto& [name, value] : *headers) last[name] = value;
  out->clear();
  out->push_back('{');
  std::string scratch;
  for (const auto& [name, value] : last) {
    if (out->size() > 1) out->push_back(',');
    scratch.clear();
    AppendUtf8Lossy(name, &scratch);
    json::AppendJsonString(scratch, out);
    out->push_back(':');
    if (value.data() == nullptr) {
      out->append("null");
      continue;
    }
    scratch.clear();
    AppendUtf8Lossy(value, &scratch);
    json::AppendJsonString(scratch, out);
  }
  out->push_back('}');
  return true;
}

/// The value of the last header called `name` into `out` (false: none, or one without a value).
bool HeaderValue(const SourceChunk::Headers* headers, const std::string& name, std::string* out) {
  if (headers == nullptr) return false;
  for (auto it = headers->rbegin(); it != headers->rend(); ++it) {
    if (it->first != name) continue;
    if (it->second.data() == nullptr) return false;
    out->clear();
    AppendUtf8Lossy(it->second, out);
    return true;
  }
  return false;
}

}  // namespace

Result<EnvelopeColumns> EnvelopeColumns::Make(const iceberg::Schema& schema,
                                              std::vector<MetadataColumn> metadata,
                                              std::vector<std::string> header_names) {
  const size_t columns = schema.fields().size();
  if (metadata.size() != columns) {
    return InvalidArgument("{} metadata entries for {} source columns", metadata.size(), columns);
  }
  EnvelopeColumns envelope;
  envelope.kinds_.assign(columns, ColumnKind::kBytes);
  for (size_t i = 0; i < columns; ++i) {
    if (metadata[i] == MetadataColumn::kNone) continue;
    if (metadata[i] == MetadataColumn::kHeader &&
        (i >= header_names.size() || header_names[i].empty())) {
      return InvalidArgument("column '{}' holds a header but names none", schema.fields()[i].name);
    }
    int32_t width = 0;
    FLOE_ASSIGN_OR_RAISE(envelope.kinds_[i],
                         iceberg::ColumnKindFor(*schema.fields()[i].type, &width));
  }
  envelope.metadata_ = std::move(metadata);
  envelope.header_names_ = std::move(header_names);
  return envelope;
}

void EnvelopeColumns::Begin(const SourceChunk& chunk, const std::vector<int64_t>& offsets) {
  message_of_.clear();
  if (chunk.is_lines()) return;
  // Rows are the messages that decoded, in order.
  message_of_.reserve(offsets.size());
  size_t m = 0;
  for (int64_t offset : offsets) {
    while (chunk.offsets[m] != offset) ++m;
    message_of_.push_back(m);
  }
}

ColumnVector EnvelopeColumns::Column(size_t c, const SourceChunk& chunk,
                                     const std::vector<int64_t>& offsets) const {
  const MetadataColumn metadata = metadata_[c];
  const size_t rows = offsets.size();
  ColumnVector column(kinds_[c]);
  column.Reserve(rows);
  std::string text;  // a header column's value
  for (size_t r = 0; r < rows; ++r) {
    switch (metadata) {
      case MetadataColumn::kTopic:
        column.AppendBytes(chunk.partition.topic);
        break;
      case MetadataColumn::kPartition:
        column.Append<int32_t>(chunk.partition.partition);
        break;
      case MetadataColumn::kOffset:
        column.Append<int64_t>(offsets[r]);
        break;
      case MetadataColumn::kTimestamp: {
        const int64_t ms = chunk.is_lines() ? -1 : chunk.timestamps_ms[message_of_[r]];
        if (ms < 0) {
          column.AppendNull();
        } else {
          column.Append<int64_t>(ms * 1000);
        }
        break;
      }
      case MetadataColumn::kKey: {
        const std::optional<std::string_view> key =
            chunk.is_lines() ? std::nullopt : chunk.keys[message_of_[r]];
        if (key) {
          column.AppendBytes(*key);
        } else {
          column.AppendNull();
        }
        break;
      }
      case MetadataColumn::kHeaders:
      case MetadataColumn::kHeader: {
        const SourceChunk::Headers* headers =
            chunk.is_lines() ? nullptr : chunk.headers[message_of_[r]];
        const bool present = metadata == MetadataColumn::kHeaders
                                 ? HeadersAsJson(headers, &text)
                                 : HeaderValue(headers, header_names_[c], &text);
        if (present) {
          column.AppendBytes(text);
        } else {
          column.AppendNull();
        }
        break;
      }
      case MetadataColumn::kNone:
      case MetadataColumn::kCdcOp:  // change columns come from the change decoder (RecordDecoder)
      case MetadataColumn::kCdcTs:
        break;
    }
  }
  return column;
}

}  // namespace floe::stream
