#include "format/json/batch_decoder.h"

#include <simdjson.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <unordered_map>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "format/json/base64.h"
#include "format/json/decimal.h"
#include "format/json/temporal.h"
#include "format/json/uuid_text.h"

namespace floe::json {
namespace {

namespace ondemand = simdjson::ondemand;

// simdjson reads up to this many bytes past a document's end.
constexpr size_t kPaddingBytes = simdjson::SIMDJSON_PADDING;
// Most messages are far smaller; a larger one grows the parser once.
constexpr size_t kInitialParserCapacity = 64 * 1024;
// DecodeLines parses a buffer of at least this many bytes as one stream of documents (one
// stage-1 pass instead of one per line); the parser's capacity is the stream's size rounded up
// to a power of two, so that buffers of about the same size reuse it.
constexpr size_t kStreamMinBytes = 16 * 1024;
// Keys are predicted by their position in the object; objects with more keys than this fall
// back to the hash lookup for the rest.
constexpr size_t kMaxCachedKeyPositions = 256;
// Error messages quote at most this many bytes of a bad value.
constexpr size_t kMaxQuotedBytes = 64;
constexpr int32_t kUnknownField = -1;
constexpr int32_t kNotCached = -2;

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Whether `text` holds a '\\': most strings have none, and a library call per short string costs
// more than the scan. The text lies inside a record followed by the parser's padding, so blocks
// may read up to 15 bytes past its end (those bytes are masked off).
inline bool HasBackslash(std::string_view text) {
#if defined(__SSE2__)
  constexpr size_t kLanes = 16;
  const __m128i backslashes = _mm_set1_epi8('\\');
  for (size_t at = 0; at < text.size(); at += kLanes) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
    auto found = static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, backslashes)));
    if (text.size() - at < kLanes) found &= (1u << (text.size() - at)) - 1;
    if (found != 0) return true;
  }
  return false;
#else
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighBits = 0x8080808080808080;
  constexpr uint64_t kBackslashes = kOnes * static_cast<uint8_t>('\\');
  size_t at = 0;
  for (; at + sizeof(uint64_t) <= text.size(); at += sizeof(uint64_t)) {
    uint64_t word;
    std::memcpy(&word, text.data() + at, sizeof(word));
    // A byte of `x` is zero where `word` has a backslash; this is non-zero iff some byte is.
    uint64_t x = word ^ kBackslashes;
    if (((x - kOnes) & ~x & kHighBits) != 0) return true;
  }
  for (; at < text.size(); ++at) {
    if (text[at] == '\\') return true;
  }
  return false;
#endif
}

// Equality of short strings (keys) without a library call, eight bytes at a time; the last
// word overlaps the one before it rather than ending in a loop over single bytes.
bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const size_t size = a.size();
  const auto word_at = [](std::string_view text, size_t at) {
    uint64_t word;
    std::memcpy(&word, text.data() + at, sizeof(word));
    return word;
  };
  if (size < sizeof(uint64_t)) {
    for (size_t at = 0; at < size; ++at) {
      if (a[at] != b[at]) return false;
    }
    return true;
  }
  for (size_t at = 0; at + sizeof(uint64_t) < size; at += sizeof(uint64_t)) {
    if (word_at(a, at) != word_at(b, at)) return false;
  }
  const size_t last = size - sizeof(uint64_t);
  return word_at(a, last) == word_at(b, last);
}

std::string_view TrimTrailingWhitespace(std::string_view text) {
  while (!text.empty() && IsJsonWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

// `text` for an error message, cut short when long.
std::string Quoted(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return std::string(text);
  return std::string(text.substr(0, kMaxQuotedBytes)) + "...";
}

// RFC 8259 number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?. Sets *is_integer when there is
// neither a fraction nor an exponent.
bool IsJsonNumber(std::string_view text, bool* is_integer) {
  size_t at = 0;
  auto digits = [&] {
    size_t start = at;
    while (at < text.size() && IsDigit(text[at])) ++at;
    return at - start;
  };
  if (at < text.size() && text[at] == '-') ++at;
  size_t int_start = at;
  size_t int_digits = digits();
  if (int_digits == 0 || (int_digits > 1 && text[int_start] == '0')) return false;
  *is_integer = true;
  if (at < text.size() && text[at] == '.') {
    ++at;
    if (digits() == 0) return false;
    *is_integer = false;
  }
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (digits() == 0) return false;
    *is_integer = false;
  }
  return at == text.size();
}

// Numeric strings: [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?, a little wider than JSON's
// numbers because other systems print "+5", "5." and "007".
bool IsNumericString(std::string_view text) {
  size_t at = 0;
  auto digits = [&] {
    size_t start = at;
    while (at < text.size() && IsDigit(text[at])) ++at;
    return at - start;
  };
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
  size_t mantissa_digits = digits();
  if (at < text.size() && text[at] == '.') {
    ++at;
    mantissa_digits += digits();
  }
  if (mantissa_digits == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    if (digits() == 0) return false;
  }
  return at == text.size();
}

// Parses -?\d+ (no sign but '-', no spaces) into an int64; false on bad syntax, *overflow on a
// well-formed value outside int64.
bool ParseInteger(std::string_view text, int64_t* out, bool* overflow) {
  *overflow = false;
  size_t at = 0;
  bool negative = false;
  if (at < text.size() && text[at] == '-') {
    negative = true;
    ++at;
  }
  if (at == text.size()) return false;
  // Accumulate negatively so that INT64_MIN is reachable.
  int64_t value = 0;
  for (; at < text.size(); ++at) {
    if (!IsDigit(text[at])) return false;
    if (*overflow) continue;
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_sub_overflow(value, text[at] - '0', &value)) {
      *overflow = true;
    }
  }
  if (*overflow) return true;
  if (!negative) {
    if (value == std::numeric_limits<int64_t>::min()) {
      *overflow = true;
      return true;
    }
    value = -value;
  }
  *out = value;
  return true;
}

// What a field whose values come from JSON strings expects, for messages.
std::string_view ExpectedText(ValueKind kind) {
  switch (kind) {
    case ValueKind::kString:
      return "a string";
    case ValueKind::kBinary:
    case ValueKind::kFixed:
      return "a base64 string";
    case ValueKind::kUuid:
      return "a uuid string";
    case ValueKind::kDate:
      return "a date string";
    case ValueKind::kTime:
      return "a time string";
    default:
      return "a timestamp string";
  }
}

// Heterogeneous lookup: find a field by string_view without building a std::string.
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};

// A record's value for one field, held until the whole record has passed so that a failing
// record appends nothing.
struct Slot {
  uint64_t epoch = 0;  // the record that set it; older values are stale, i.e. missing
  bool is_null = false;
  int64_t integer = 0;     // boolean, int32, int64, date, time, timestamps, decimal(P<=18)
  float real32 = 0;        // float
  double real64 = 0;       // double
  std::string_view bytes;  // string, binary, fixed, uuid, decimal(P>18)
  std::string scratch;     // owns the bytes that are decoded rather than viewed
};

// The raw key text seen at one position of the previous objects, and the field it named.
struct KeyCacheEntry {
  std::string raw_key;
  int32_t field_index = kNotCached;
};

}  // namespace

std::string_view RecordErrorTypeName(RecordErrorType type) {
  switch (type) {
    case RecordErrorType::kDeserialization:
      return "deserialization";
    case RecordErrorType::kValidation:
      return "validation";
  }
  return "unknown";
}

void DecodedBatch::Clear() {
  for (ColumnVector& column : columns) column.Clear();
  for (std::vector<std::string_view>& views : deferred) views.clear();
  unescaped.clear();
  positions.clear();
  errors.clear();
}

void DecodedBatch::MaterializeDeferred(size_t field, Selection rows, ColumnVector* out) const {
  out->AppendViews(deferred[field].data(), rows);
}

struct BatchDecoder::Impl {
  std::vector<FieldSpec> fields;
  std::vector<ColumnKind> column_kinds;
  std::vector<bool> deferred;  // per field: may be deferred (Defer)
  // The fields by how Commit takes them into the batch being decoded, whose is_deferred was
  // `committing_deferred`.
  std::vector<bool> committing_deferred;
  std::vector<size_t> eager_fields;
  std::vector<size_t> deferred_fields;
  std::unordered_map<std::string, int32_t, NameHash, std::equal_to<>> index_by_name;
  bool any_required = false;

  ondemand::parser parser;
  std::vector<KeyCacheEntry> key_cache;
  std::vector<Slot> slots;
  uint64_t epoch = 0;
  std::vector<char> padded;  // DecodeOne's copy of a message, and the last lines of a buffer
  std::vector<char> joined;  // DecodeMany's copy of its messages, one per line
  DateCache dates;           // timestamps of one day (most of a batch) parse their date once
  // The record being decoded: the parser's copy of it, and the caller's bytes (the same bytes
  // when parsed in place), so that deferred values can point at the caller's.
  const char* record_data = nullptr;
  size_t record_length = 0;
  const char* record_raw = nullptr;

  // Why the current record failed.
  RecordErrorType failure_type = RecordErrorType::kValidation;
  std::string failure_message;

  template <typename... Args>
  bool Fail(RecordErrorType type, fmt::format_string<Args...> format, Args&&... args) {
    failure_type = type;
    failure_message = fmt::format(format, std::forward<Args>(args)...);
    return false;
  }
  bool FailJson(simdjson::error_code error) {
    return Fail(RecordErrorType::kDeserialization, "not valid JSON: {}",
                simdjson::error_message(error));
  }

  // Checks that `batch` fits this decoder, settles which fields it defers (when it is empty) and
  // prepares Commit for that.
  Status StartBatch(DecodedBatch* batch);
  void DecodeAndAppend(const char* data, size_t length, size_t allocated, std::string_view raw,
                       int64_t position, DecodedBatch* batch);
  bool DecodeRecord(const char* data, size_t length, size_t allocated);
  // Decodes the whole lines of `lines` (ending in '\n', parser padding readable past them) as
  // one stream, committing each record that is one object alone on its line; stops at the first
  // line that is not (a bad record, two values on a line, a value over several lines) and
  // returns its start, for DecodeLines to go on line by line with the per-line errors.
  // *line_number follows the lines decoded.
  const char* DecodeStream(std::string_view lines, int64_t* line_number, DecodedBatch* batch);
  // DecodeMany's stream: the messages copied into `joined`, each followed by '\n'; commits
  // messages while each is one object alone and returns the index of the first that is not
  // (messages.size() when all were).
  size_t DecodeJoined(const std::vector<std::string_view>& messages,
                      const std::vector<int64_t>& positions, DecodedBatch* batch);
  // A stream of documents over [begin, end) (parser padding readable past it), of
  // DecodeStream and DecodeJoined: records are taken from it in order while each is exactly
  // one document.
  struct Stream {
    ondemand::document_stream documents;
    ondemand::document_stream::iterator at;
    const char* begin = nullptr;
    const char* end = nullptr;
    size_t taken = 0;  // documents committed
  };
  // Starts `stream` over `bytes`; false when the parser refuses them.
  bool StartStream(std::string_view bytes, Stream* stream);
  // Decodes the stream's next document into the slots if it is exactly the record `bytes`
  // (its first non-whitespace byte at `first`; `raw` is the caller's copy of it, where the
  // batch's views point): the next document begins at the first non-whitespace byte from
  // `after` on, or the stream ends there. false when it is not so, or the record is bad: the
  // caller then goes on record by record, for the errors to be worded as there.
  bool TakeRecord(Stream* stream, std::string_view bytes, const char* first, const char* raw,
                  const char* after);
  // Commits the record TakeRecord decoded, at `position`, and moves to the next document.
  void CommitTaken(Stream* stream, int64_t position, DecodedBatch* batch);
  // The object of a document (a line's, or one of a stream's) into the slots.
  template <typename Document>
  bool DecodeObject(Document& document, char first_char);
  // The field a key names (kUnknownField for none): predicted from the key at the same position
  // of the previous objects, else looked up and remembered.
  int32_t LookupKey(std::string_view raw_key, size_t key_position, ondemand::field& field,
                    bool* failed);
  int32_t LookupKeySlow(std::string_view raw_key, size_t key_position, ondemand::field& field,
                        bool* failed);
  bool DecodeField(int32_t index, ondemand::value& value, std::string_view token);
  std::string_view StringContent(const FieldSpec& spec, ondemand::value& value,
                                 std::string_view token);
  std::string_view UnescapedString(const FieldSpec& spec, ondemand::value& value,
                                   std::string_view token);
  bool DecodeInteger(const FieldSpec& spec, ondemand::value& value, std::string_view token,
                     Slot* slot);
  bool DecodeReal(const FieldSpec& spec, ondemand::value& value, std::string_view token,
                  Slot* slot);
  bool DecodeDecimal(const FieldSpec& spec, ondemand::value& value, std::string_view token,
                     Slot* slot);
  bool DecodeText(const FieldSpec& spec, ondemand::value& value, std::string_view token,
                  Slot* slot);
  bool WrongType(const FieldSpec& spec, std::string_view expected, std::string_view token);
  bool RequiredPresent();
  void Commit(int64_t position, DecodedBatch* batch);
  // A deferred field's value as it will stay valid: in the caller's bytes, or copied into the
  // batch when it was unescaped (into the parser's buffer, which the next record overwrites).
  std::string_view DeferredView(const Slot& slot, DecodedBatch* batch);
};

Result<BatchDecoder> BatchDecoder::Make(std::vector<FieldSpec> fields) {
  if (fields.empty()) return InvalidArgument("a json decoder needs at least one field");
  auto impl = std::make_unique<Impl>();
  for (size_t i = 0; i < fields.size(); ++i) {
    FLOE_RETURN_IF_ERROR(ValidateFieldSpec(fields[i]));
    auto [it, inserted] = impl->index_by_name.emplace(fields[i].name, static_cast<int32_t>(i));
    if (!inserted) return InvalidArgument("field '{}' is listed twice", fields[i].name);
    impl->column_kinds.push_back(ColumnKindOf(fields[i]));
    impl->any_required = impl->any_required || fields[i].required;
  }
  impl->slots.resize(fields.size());
  impl->deferred.assign(fields.size(), false);
  impl->fields = std::move(fields);
  impl->parser.threaded = false;  // a stream is one batch: no stage-1 thread to start
  if (simdjson::error_code error = impl->parser.allocate(kInitialParserCapacity)) {
    return Internal("json parser allocation failed: {}", simdjson::error_message(error));
  }
  return BatchDecoder(std::move(impl));
}

BatchDecoder::BatchDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BatchDecoder::BatchDecoder(BatchDecoder&&) noexcept = default;
BatchDecoder& BatchDecoder::operator=(BatchDecoder&&) noexcept = default;
BatchDecoder::~BatchDecoder() = default;

const std::vector<FieldSpec>& BatchDecoder::fields() const { return impl_->fields; }

Status BatchDecoder::Defer(const std::vector<int>& fields) {
  for (int index : fields) {
    if (index < 0 || static_cast<size_t>(index) >= impl_->fields.size()) {
      return InvalidArgument("json decoder: no field {} to defer", index);
    }
    if (impl_->fields[index].kind != ValueKind::kString) {
      return InvalidArgument("json decoder: field '{}' is {}; only strings can be deferred",
                             impl_->fields[index].name, ValueKindName(impl_->fields[index].kind));
    }
  }
  for (int index : fields) impl_->deferred[index] = true;
  return Status::Ok();
}

DecodedBatch BatchDecoder::NewBatch() const {
  DecodedBatch batch;
  batch.columns.reserve(impl_->fields.size());
  for (const FieldSpec& spec : impl_->fields) batch.columns.push_back(MakeColumn(spec));
  batch.is_deferred = impl_->deferred;
  batch.deferred.resize(impl_->fields.size());
  return batch;
}

Status BatchDecoder::DecodeLines(std::string_view buffer, int64_t first_line_number,
                                 DecodedBatch* batch) {
  FLOE_RETURN_IF_ERROR(impl_->StartBatch(batch));
  const char* const end = buffer.data() + buffer.size();
  const char* line = buffer.data();
  int64_t line_number = first_line_number;
  if (buffer.size() >= kStreamMinBytes) {
    // The lines that end before the last kPaddingBytes: what follows them pads them.
    const void* last = memrchr(buffer.data(), '\n', buffer.size() - kPaddingBytes);
    if (last != nullptr) {
      const char* stream_end = static_cast<const char*>(last) + 1;
      line = impl_->DecodeStream(std::string_view(line, stream_end - line), &line_number, batch);
    }
  }
  while (line < end) {
    const char* newline = static_cast<const char*>(std::memchr(line, '\n', end - line));
    const char* line_end = newline != nullptr ? newline : end;
    std::string_view text(line, line_end - line);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    size_t first = 0;
    while (first < text.size() && IsJsonWhitespace(text[first])) ++first;
    if (first < text.size()) {
      const size_t readable = end - line;
      if (readable >= text.size() + kPaddingBytes) {
        // The following lines serve as padding: the parser never interprets bytes past `size`.
        impl_->DecodeAndAppend(text.data(), text.size(), readable, text, line_number, batch);
      } else {
        impl_->padded.assign(text.begin(), text.end());
        impl_->padded.resize(text.size() + kPaddingBytes, '\0');
        impl_->DecodeAndAppend(impl_->padded.data(), text.size(), impl_->padded.size(), text,
                               line_number, batch);
      }
    }
    ++line_number;
    line = newline != nullptr ? newline + 1 : end;
  }
  return Status::Ok();
}

Status BatchDecoder::DecodeOne(std::string_view message, int64_t position, DecodedBatch* batch) {
  FLOE_RETURN_IF_ERROR(impl_->StartBatch(batch));
  impl_->padded.assign(message.begin(), message.end());
  impl_->padded.resize(message.size() + kPaddingBytes, '\0');
  impl_->DecodeAndAppend(impl_->padded.data(), message.size(), impl_->padded.size(), message,
                         position, batch);
  return Status::Ok();
}

Status BatchDecoder::DecodeMany(const std::vector<std::string_view>& messages,
                                const std::vector<int64_t>& positions, DecodedBatch* batch) {
  if (messages.size() != positions.size()) {
    return InvalidArgument("json decoder: {} messages with {} positions", messages.size(),
                           positions.size());
  }
  FLOE_RETURN_IF_ERROR(impl_->StartBatch(batch));
  size_t bytes = 0;
  for (std::string_view message : messages) bytes += message.size() + 1;
  size_t next = 0;
  if (bytes >= kStreamMinBytes) next = impl_->DecodeJoined(messages, positions, batch);
  for (; next < messages.size(); ++next) {
    std::string_view message = messages[next];
    impl_->padded.assign(message.begin(), message.end());
    impl_->padded.resize(message.size() + kPaddingBytes, '\0');
    impl_->DecodeAndAppend(impl_->padded.data(), message.size(), impl_->padded.size(), message,
                           positions[next], batch);
  }
  return Status::Ok();
}

Status BatchDecoder::Impl::StartBatch(DecodedBatch* batch) {
  if (batch == nullptr) return InvalidArgument("json decoder: no output batch");
  if (batch->columns.size() != fields.size() || batch->is_deferred.size() != fields.size() ||
      batch->deferred.size() != fields.size()) {
    return InvalidArgument("json decoder: the batch has {} columns for {} fields",
                           batch->columns.size(), fields.size());
  }
  // An empty batch takes the mode its `defer` asks for; one with rows keeps the mode it has.
  if (batch->num_rows() == 0) {
    for (size_t i = 0; i < fields.size(); ++i) batch->is_deferred[i] = deferred[i] && batch->defer;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const ColumnVector& column = batch->columns[i];
    const bool is_deferred = batch->is_deferred[i];
    const size_t rows = is_deferred ? batch->deferred[i].size() : column.size();
    if (column.kind() != column_kinds[i] || column.fixed_width() != FixedWidthOf(fields[i]) ||
        rows != batch->num_rows() || (is_deferred && (!deferred[i] || !column.empty()))) {
      return InvalidArgument("json decoder: column {} does not match field '{}' ({})", i,
                             fields[i].name, ValueKindName(fields[i].kind));
    }
  }
  if (batch->is_deferred != committing_deferred) {
    committing_deferred = batch->is_deferred;
    eager_fields.clear();
    deferred_fields.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      (committing_deferred[i] ? deferred_fields : eager_fields).push_back(i);
    }
  }
  return Status::Ok();
}

void BatchDecoder::Impl::DecodeAndAppend(const char* data, size_t length, size_t allocated,
                                         std::string_view raw, int64_t position,
                                         DecodedBatch* batch) {
  record_data = data;
  record_length = length;
  record_raw = raw.data();
  if (DecodeRecord(data, length, allocated) && RequiredPresent()) {
    Commit(position, batch);
    return;
  }
  batch->errors.push_back(RecordError{position, raw, failure_type, std::move(failure_message)});
  failure_message = std::string();
}

bool BatchDecoder::Impl::DecodeRecord(const char* data, size_t length, size_t allocated) {
  ++epoch;
  size_t first = 0;
  while (first < length && IsJsonWhitespace(data[first])) ++first;
  if (first == length) return Fail(RecordErrorType::kDeserialization, "empty document");
  ondemand::document document;
  if (simdjson::error_code error = parser.iterate(data, length, allocated).get(document)) {
    return FailJson(error);
  }
  if (!DecodeObject(document, data[first])) return false;
  // A second value after the object ("{...} {...}") leaves the iterator short of the end.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return Fail(RecordErrorType::kDeserialization, "unexpected content after the object");
  }
  return true;
}

bool BatchDecoder::Impl::StartStream(std::string_view bytes, Stream* stream) {
  stream->begin = bytes.data();
  stream->end = bytes.data() + bytes.size();
  // One batch for the whole buffer; a power of two, so that buffers of about the same size
  // reuse the parser's capacity.
  if (parser.iterate_many(bytes.data(), bytes.size(), std::bit_ceil(bytes.size()))
          .get(stream->documents)) {
    return false;
  }
  stream->at = stream->documents.begin();
  return true;
}

bool BatchDecoder::Impl::TakeRecord(Stream* stream, std::string_view bytes, const char* first,
                                    const char* raw, const char* after) {
  if (!(stream->at != stream->documents.end())) return false;
  auto current = *stream->at;
  // (The stream puts its first document at its start, whitespace or not.)
  if (current.error() ||
      (stream->taken > 0 && stream->begin + stream->at.current_index() != first)) {
    return false;
  }
  ondemand::document_reference& record = current.value_unsafe();
  ++epoch;
  record_data = bytes.data();
  record_length = bytes.size();
  record_raw = raw;
  if (!DecodeObject(record, *first) || !RequiredPresent()) return false;
  // The next value must begin at the next record that is not blank: then nothing followed the
  // object in this record, and the object did not run on into the next.
  const simdjson::simdjson_result<const char*> next = record.current_location();
  const char* next_record = after;
  while (next_record < stream->end && IsJsonWhitespace(*next_record)) ++next_record;
  return next.error() == simdjson::OUT_OF_BOUNDS
             ? next_record == stream->end
             : !next.error() && next.value_unsafe() == next_record;
}

void BatchDecoder::Impl::CommitTaken(Stream* stream, int64_t position, DecodedBatch* batch) {
  Commit(position, batch);
  ++stream->at;
  ++stream->taken;
}

const char* BatchDecoder::Impl::DecodeStream(std::string_view lines, int64_t* line_number,
                                             DecodedBatch* batch) {
  const char* const end = lines.data() + lines.size();
  const char* line = lines.data();
  Stream stream;
  if (!StartStream(lines, &stream)) return line;
  while (line < end) {
    const char* newline = static_cast<const char*>(std::memchr(line, '\n', end - line));
    const char* first = line;
    while (first < newline && IsJsonWhitespace(*first)) ++first;
    if (first != newline) {  // a blank line gives no row but keeps its number
      const char* text_end = newline[-1] == '\r' ? newline - 1 : newline;
      const std::string_view text(line, text_end - line);
      if (!TakeRecord(&stream, text, first, line, newline + 1)) return line;
      CommitTaken(&stream, *line_number, batch);
    }
    ++*line_number;
    line = newline + 1;
  }
  return line;
}

size_t BatchDecoder::Impl::DecodeJoined(const std::vector<std::string_view>& messages,
                                        const std::vector<int64_t>& positions,
                                        DecodedBatch* batch) {
  joined.clear();
  for (std::string_view message : messages) {
    joined.insert(joined.end(), message.begin(), message.end());
    joined.push_back('\n');
  }
  const size_t length = joined.size();
  joined.resize(length + kPaddingBytes, '\0');
  Stream stream;
  if (!StartStream(std::string_view(joined.data(), length), &stream)) return 0;
  const char* begin = joined.data();
  for (size_t i = 0; i < messages.size(); ++i) {
    const char* stop = begin + messages[i].size();
    const char* first = begin;
    while (first < stop && IsJsonWhitespace(*first)) ++first;
    // A blank message is an error, which DecodeOne words.
    if (first == stop || !TakeRecord(&stream, std::string_view(begin, messages[i].size()), first,
                                     messages[i].data(), stop)) {
      return i;
    }
    CommitTaken(&stream, positions[i], batch);
    begin = stop + 1;
  }
  return messages.size();
}

template <typename Document>
bool BatchDecoder::Impl::DecodeObject(Document& document, char first_char) {
  if (first_char != '{') {
    return Fail(RecordErrorType::kDeserialization, "the top-level value is {}, not an object",
                first_char == '[' ? "an array" : "not an object");
  }
  ondemand::object object;
  if (simdjson::error_code error = document.get_object().get(object)) return FailJson(error);
  size_t key_position = 0;
  for (auto field_result : object) {
    // Used in place: copying a field out of its result costs a store-forwarding stall per key.
    if (simdjson::error_code error = field_result.error()) return FailJson(error);
    ondemand::field& field = field_result.value_unsafe();
    ondemand::value& value = field.value();
    std::string_view token = value.raw_json_token();
    if (token.empty()) {
      return Fail(RecordErrorType::kDeserialization, "not valid JSON: truncated object");
    }
    // The key's closing quote is the last quote before the ':' that precedes the value: only
    // whitespace and that ':' lie between them.
    const char* key_begin = field.key().raw();
    const char* key_end = token.data() - 1;
    while (IsJsonWhitespace(*key_end)) --key_end;
    --key_end;  // the ':'
    while (IsJsonWhitespace(*key_end)) --key_end;
    bool failed = false;
    int32_t index =
        LookupKey(std::string_view(key_begin, key_end - key_begin), key_position++, field, &failed);
    if (failed) return false;
    if (index == kUnknownField) continue;
    if (!DecodeField(index, value, TrimTrailingWhitespace(token))) return false;
  }
  return true;
}

inline int32_t BatchDecoder::Impl::LookupKey(std::string_view raw_key, size_t key_position,
                                             ondemand::field& field, bool* failed) {
  if (key_position < key_cache.size()) {
    const KeyCacheEntry& entry = key_cache[key_position];
    if (entry.field_index != kNotCached && SameBytes(entry.raw_key, raw_key)) {
      return entry.field_index;
    }
  }
  return LookupKeySlow(raw_key, key_position, field, failed);
}

int32_t BatchDecoder::Impl::LookupKeySlow(std::string_view raw_key, size_t key_position,
                                          ondemand::field& field, bool* failed) {
  std::string_view name = raw_key;
  if (raw_key.find('\\') != std::string_view::npos) {
    if (simdjson::error_code error = field.unescaped_key().get(name)) {
      *failed = true;
      FailJson(error);
      return kUnknownField;
    }
  }
  auto it = index_by_name.find(name);
  int32_t index = it == index_by_name.end() ? kUnknownField : it->second;
  if (key_position < kMaxCachedKeyPositions) {
    if (key_position >= key_cache.size()) key_cache.resize(key_position + 1);
    key_cache[key_position].raw_key.assign(raw_key);
    key_cache[key_position].field_index = index;
  }
  return index;
}

bool BatchDecoder::Impl::DecodeField(int32_t index, ondemand::value& value,
                                     std::string_view token) {
  const FieldSpec& spec = fields[index];
  Slot& slot = slots[index];
  slot.epoch = epoch;
  slot.is_null = false;
  if (token[0] == 'n') {
    if (token != "null") {
      return Fail(RecordErrorType::kDeserialization, "field '{}': invalid JSON value '{}'",
                  spec.name, Quoted(token));
    }
    if (spec.required) {
      return Fail(RecordErrorType::kValidation, "field '{}': null for a required field", spec.name);
    }
    slot.is_null = true;
    return true;
  }
  switch (spec.kind) {
    case ValueKind::kBoolean:
      if (token == "true" || token == "false") {
        slot.integer = token[0] == 't' ? 1 : 0;
        return true;
      }
      return WrongType(spec, "a boolean", token);
    case ValueKind::kInt32:
    case ValueKind::kInt64:
      return DecodeInteger(spec, value, token, &slot);
    case ValueKind::kFloat:
    case ValueKind::kDouble:
      return DecodeReal(spec, value, token, &slot);
    case ValueKind::kDecimal:
      return DecodeDecimal(spec, value, token, &slot);
    default:
      return DecodeText(spec, value, token, &slot);
  }
}

// The text of a string token, or a null view (with the failure set) when an escape is bad.
// Returned by value, in registers: an out-parameter here cost a store-forwarding stall per
// field.
inline std::string_view BatchDecoder::Impl::StringContent(const FieldSpec& spec,
                                                          ondemand::value& value,
                                                          std::string_view token) {
  // Stage 1 has checked the token's UTF-8, its closing quote and that it holds no raw control
  // character. Only escapes remain to be decoded, and they are rare.
  std::string_view inner = token.substr(1, token.size() - 2);
  if (!HasBackslash(inner)) return inner;
  return UnescapedString(spec, value, token);
}

std::string_view BatchDecoder::Impl::UnescapedString(const FieldSpec& spec, ondemand::value& value,
                                                     std::string_view token) {
  std::string_view text;
  if (simdjson::error_code error = value.get_string().get(text)) {
    Fail(RecordErrorType::kDeserialization, "field '{}': bad string {}: {}", spec.name,
         Quoted(token), simdjson::error_message(error));
    return {};
  }
  // An empty unescaped string must still be told apart from a failure.
  return text.data() != nullptr ? text : std::string_view("", 0);
}

bool BatchDecoder::Impl::WrongType(const FieldSpec& spec, std::string_view expected,
                                   std::string_view token) {
  std::string_view got;
  bool is_integer = false;
  switch (token[0]) {
    case '"':
      got = "a string";
      break;
    case '{':
      got = "an object";
      break;
    case '[':
      got = "an array";
      break;
    case 't':
    case 'f':
      if (token != "true" && token != "false") break;
      got = "a boolean";
      break;
    default:
      if (IsJsonNumber(token, &is_integer)) got = is_integer ? "an integer" : "a number";
  }
  if (got.empty()) {
    return Fail(RecordErrorType::kDeserialization, "field '{}': invalid JSON value '{}'", spec.name,
                Quoted(token));
  }
  if (token[0] == '{' || token[0] == '[') {
    return Fail(RecordErrorType::kValidation, "field '{}': expected {}, got {}", spec.name,
                expected, got);
  }
  return Fail(RecordErrorType::kValidation, "field '{}': expected {}, got {} {}", spec.name,
              expected, got, Quoted(token));
}

bool BatchDecoder::Impl::DecodeInteger(const FieldSpec& spec, ondemand::value& value,
                                       std::string_view token, Slot* slot) {
  std::string_view digits = token;
  if (token[0] == '"') {
    // Numbers may arrive as strings ("12"); only plain integers are taken from them.
    digits = StringContent(spec, value, token);
    if (digits.data() == nullptr) return false;
  } else {
    bool is_integer = false;
    if (token[0] != '-' && !IsDigit(token[0])) return WrongType(spec, "an integer", token);
    if (!IsJsonNumber(token, &is_integer)) return WrongType(spec, "an integer", token);
    if (!is_integer) return WrongType(spec, "an integer", token);
  }
  int64_t parsed = 0;
  bool overflow = false;
  if (!ParseInteger(digits, &parsed, &overflow)) return WrongType(spec, "an integer", token);
  const bool is_int32 = spec.kind == ValueKind::kInt32;
  if (overflow || (is_int32 && (parsed < std::numeric_limits<int32_t>::min() ||
                                parsed > std::numeric_limits<int32_t>::max()))) {
    return Fail(RecordErrorType::kValidation, "field '{}': {} is out of range for {}", spec.name,
                Quoted(digits), ValueKindName(spec.kind));
  }
  slot->integer = parsed;
  return true;
}

bool BatchDecoder::Impl::DecodeReal(const FieldSpec& spec, ondemand::value& value,
                                    std::string_view token, Slot* slot) {
  double parsed = 0;
  if (token[0] == '"') {
    // A numeric string, or one of the spellings JSON has no number for.
    std::string_view text = StringContent(spec, value, token);
    if (text.data() == nullptr) return false;
    if (text == "NaN") {
      parsed = std::numeric_limits<double>::quiet_NaN();
    } else if (text == "Infinity" || text == "+Infinity") {
      parsed = std::numeric_limits<double>::infinity();
    } else if (text == "-Infinity") {
      parsed = -std::numeric_limits<double>::infinity();
    } else {
      if (!IsNumericString(text)) return WrongType(spec, "a number", token);
      // from_chars takes no '+'; the grammar check above has ruled out "inf", "nan" and hex.
      std::string_view digits = text[0] == '+' ? text.substr(1) : text;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
      if (error == std::errc::result_out_of_range) {
        return Fail(RecordErrorType::kValidation, "field '{}': {} is out of range for {}",
                    spec.name, Quoted(text), ValueKindName(spec.kind));
      }
      if (error != std::errc() || end != digits.data() + digits.size()) {
        return WrongType(spec, "a number", token);
      }
    }
  } else {
    if (token[0] != '-' && !IsDigit(token[0])) return WrongType(spec, "a number", token);
    simdjson::error_code error = value.get_double().get(parsed);
    if (error == simdjson::NUMBER_ERROR) {
      bool is_integer = false;
      if (IsJsonNumber(token, &is_integer)) {
        return Fail(RecordErrorType::kValidation, "field '{}': {} is out of range for {}",
                    spec.name, Quoted(token), ValueKindName(spec.kind));
      }
    }
    if (error) {
      return Fail(RecordErrorType::kDeserialization, "field '{}': invalid JSON number '{}'",
                  spec.name, Quoted(token));
    }
  }
  if (spec.kind == ValueKind::kDouble) {
    slot->real64 = parsed;
    return true;
  }
  if (std::isfinite(parsed) && std::fabs(parsed) > std::numeric_limits<float>::max()) {
    return Fail(RecordErrorType::kValidation, "field '{}': {} is out of range for float", spec.name,
                Quoted(token));
  }
  slot->real32 = static_cast<float>(parsed);
  return true;
}

bool BatchDecoder::Impl::DecodeDecimal(const FieldSpec& spec, ondemand::value& value,
                                       std::string_view token, Slot* slot) {
  std::string_view text = token;
  DecimalGrammar grammar = DecimalGrammar::kJsonNumber;
  if (token[0] == '"') {
    text = StringContent(spec, value, token);
    if (text.data() == nullptr) return false;
    grammar = DecimalGrammar::kLenient;
  } else if (token[0] != '-' && !IsDigit(token[0])) {
    return WrongType(spec, "a decimal number or string", token);
  }
  Result<Int128> parsed = ParseDecimal(text, spec.precision, spec.scale, grammar);
  if (!parsed.ok()) {
    bool is_integer = false;
    if (grammar == DecimalGrammar::kJsonNumber && !IsJsonNumber(token, &is_integer)) {
      return Fail(RecordErrorType::kDeserialization, "field '{}': invalid JSON number '{}'",
                  spec.name, Quoted(token));
    }
    return Fail(RecordErrorType::kValidation, "field '{}': bad decimal({}, {}) value '{}' ({})",
                spec.name, spec.precision, spec.scale, Quoted(text), parsed.status().message());
  }
  if (spec.precision <= kMaxInt64DecimalPrecision) {
    slot->integer = static_cast<int64_t>(*parsed);
    return true;
  }
  slot->scratch.resize(kWideDecimalBytes);
  WriteInt128BigEndian(*parsed, reinterpret_cast<uint8_t*>(slot->scratch.data()));
  slot->bytes = slot->scratch;
  return true;
}

bool BatchDecoder::Impl::DecodeText(const FieldSpec& spec, ondemand::value& value,
                                    std::string_view token, Slot* slot) {
  if (token[0] != '"') {
    return WrongType(spec, ExpectedText(spec.kind), token);
  }
  std::string_view text = StringContent(spec, value, token);
  if (text.data() == nullptr) return false;
  switch (spec.kind) {
    case ValueKind::kString:
      slot->bytes = text;
      return true;
    case ValueKind::kBinary:
    case ValueKind::kFixed: {
      Status status = DecodeBase64(text, &slot->scratch);
      if (!status.ok()) {
        return Fail(RecordErrorType::kValidation, "field '{}': bad base64 '{}' ({})", spec.name,
                    Quoted(text), status.message());
      }
      if (spec.kind == ValueKind::kFixed &&
          slot->scratch.size() != static_cast<size_t>(spec.fixed_length)) {
        return Fail(RecordErrorType::kValidation,
                    "field '{}': {} bytes for fixed[{}] (base64 '{}')", spec.name,
                    slot->scratch.size(), spec.fixed_length, Quoted(text));
      }
      slot->bytes = slot->scratch;
      return true;
    }
    case ValueKind::kUuid: {
      std::array<uint8_t, kUuidBytes> uuid;
      Status status = ParseUuidText(text, &uuid);
      if (!status.ok()) {
        return Fail(RecordErrorType::kValidation, "field '{}': bad uuid '{}' ({})", spec.name,
                    Quoted(text), status.message());
      }
      slot->scratch.assign(reinterpret_cast<const char*>(uuid.data()), uuid.size());
      slot->bytes = slot->scratch;
      return true;
    }
    case ValueKind::kDate: {
      Result<int32_t> days = ParseDate(text);
      if (!days.ok()) {
        return Fail(RecordErrorType::kValidation, "field '{}': unparseable date '{}' ({})",
                    spec.name, Quoted(text), days.status().message());
      }
      slot->integer = *days;
      return true;
    }
    case ValueKind::kTime: {
      Result<int64_t> micros = ParseTimeMicros(text);
      if (!micros.ok()) {
        return Fail(RecordErrorType::kValidation, "field '{}': unparseable time '{}' ({})",
                    spec.name, Quoted(text), micros.status().message());
      }
      slot->integer = *micros;
      return true;
    }
    default: {
      const bool nanos =
          spec.kind == ValueKind::kTimestampNs || spec.kind == ValueKind::kTimestampTzNs;
      const bool with_zone =
          spec.kind == ValueKind::kTimestampTz || spec.kind == ValueKind::kTimestampTzNs;
      Result<int64_t> instant =
          ParseTimestamp(text, nanos ? TimeUnit::kNanos : TimeUnit::kMicros,
                         with_zone ? ZoneRule::kOptional : ZoneRule::kForbidden, &dates);
      if (!instant.ok()) {
        return Fail(RecordErrorType::kValidation, "field '{}': unparseable timestamp '{}' ({})",
                    spec.name, Quoted(text), instant.status().message());
      }
      slot->integer = *instant;
      return true;
    }
  }
}

bool BatchDecoder::Impl::RequiredPresent() {
  if (!any_required) return true;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required && slots[i].epoch != epoch) {
      return Fail(RecordErrorType::kValidation, "field '{}': missing required field",
                  fields[i].name);
    }
  }
  return true;
}

void BatchDecoder::Impl::Commit(int64_t position, DecodedBatch* batch) {
  for (size_t i : deferred_fields) batch->deferred[i].push_back(DeferredView(slots[i], batch));
  for (size_t i : eager_fields) {
    const Slot& slot = slots[i];
    ColumnVector& column = batch->columns[i];
    if (slot.epoch != epoch || slot.is_null) {
      column.AppendNull();
      continue;
    }
    switch (column_kinds[i]) {
      case ColumnKind::kBool:
        column.Append<uint8_t>(static_cast<uint8_t>(slot.integer));
        break;
      case ColumnKind::kInt32:
        column.Append<int32_t>(static_cast<int32_t>(slot.integer));
        break;
      case ColumnKind::kInt64:
        column.Append<int64_t>(slot.integer);
        break;
      case ColumnKind::kFloat:
        column.Append<float>(slot.real32);
        break;
      case ColumnKind::kDouble:
        column.Append<double>(slot.real64);
        break;
      case ColumnKind::kBytes:
      case ColumnKind::kFixed:
        column.AppendBytes(slot.bytes);
        break;
    }
  }
  batch->positions.push_back(position);
}

std::string_view BatchDecoder::Impl::DeferredView(const Slot& slot, DecodedBatch* batch) {
  if (slot.epoch != epoch || slot.is_null) return {};
  const auto at = reinterpret_cast<uintptr_t>(slot.bytes.data());
  const auto begin = reinterpret_cast<uintptr_t>(record_data);
  if (at >= begin && at - begin + slot.bytes.size() <= record_length) {
    return {record_raw + (at - begin), slot.bytes.size()};
  }
  return batch->unescaped.emplace_back(slot.bytes);
}

}  // namespace floe::json
