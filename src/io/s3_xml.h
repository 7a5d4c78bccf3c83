#pragma once

// The few XML documents S3 speaks: ListObjectsV2 pages, multipart upload replies and error
// bodies in, CompleteMultipartUpload out. S3's replies are flat and machine-written, so a small
// element scanner does; it is not a general XML parser (no DTDs, no namespaces' prefixes, no
// nesting of an element inside one of the same name).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::io {

/// Decodes the five named entities and numeric character references (&#65; &#x41;).
std::string XmlUnescape(std::string_view text);
/// Escapes & < > " ' for element text.
std::string XmlEscape(std::string_view text);
/// The raw (still escaped) contents of each <tag>...</tag> or <tag/> in `xml`, in order.
std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);
/// The decoded text of the first <tag> element, if any.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag);

struct S3ListedObject {
  std::string key;
  int64_t size_bytes = 0;
  int64_t modified_ms = 0;  // LastModified, milliseconds since the epoch (0: not given)
};

/// One page of ListObjectsV2.
struct S3ListPage {
  std::vector<S3ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;  // set when truncated
};

/// kCorrupt when the document is not a ListBucketResult, a size is not a number, or a truncated
/// page has no continuation token (which would loop forever).
Result<S3ListPage> ParseListObjectsV2(std::string_view xml);

/// The UploadId of an InitiateMultipartUploadResult; kCorrupt without one.
Result<std::string> ParseInitiateMultipartUpload(std::string_view xml);

/// An S3 <Error> body's code and message (either may be empty); nullopt when `xml` holds no
/// <Error> element (HEAD replies, proxies' HTML pages).
struct S3ErrorBody {
  std::string code;
  std::string message;
};
std::optional<S3ErrorBody> ParseErrorBody(std::string_view xml);

struct S3CompletedPart {
  int part_number = 0;
  std::string etag;  // as the server returned it, quotes included
};
/// The body of CompleteMultipartUpload.
std::string CompleteMultipartUploadXml(const std::vector<S3CompletedPart>& parts);

}  // namespace floe::io
