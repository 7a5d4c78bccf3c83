// S3's XML: list pages, multipart replies and error bodies, shaped as AWS documents them.

#include "io/s3_xml.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace floe::io {
namespace {

TEST(S3XmlTest, ParsesAListObjectsV2Page) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>lakehouse</Name>
  <Prefix>warehouse/</Prefix>
  <KeyCount>2</KeyCount>
  <MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <Contents>
    <Key>warehouse/a&amp;b.parquet</Key>
    <LastModified>2026-11-22T05:00:00.000Z</LastModified>
    <ETag>&quot;abc&quot;</ETag>
    <Size>1234</Size>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents><Key>warehouse/caf&#xE9;/&#60;x&#62;.json</Key><Size>0</Size></Contents>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
</ListBucketResult>)";
  auto page = ParseListObjectsV2(xml);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "warehouse/a&b.parquet");
  EXPECT_EQ(page->objects[0].size_bytes, 1234);
  EXPECT_EQ(page->objects[0].modified_ms, 1795323600000);  // date -d 2026-11-22T05:00:00Z +%s
  EXPECT_EQ(page->objects[1].modified_ms, 0);              // not given
  EXPECT_EQ(page->objects[1].key, "warehouse/caf\xC3\xA9/<x>.json");
  EXPECT_EQ(page->objects[1].size_bytes, 0);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3XmlTest, ParsesTheLastAndAnEmptyPage) {
  auto last = ParseListObjectsV2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>5</Size>"
      "</Contents></ListBucketResult>");
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->truncated);
  EXPECT_EQ(last->objects.size(), 1u);
  auto empty = ParseListObjectsV2(
      "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
      "<ContinuationToken/></ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
}

TEST(S3XmlTest, RejectsBrokenListPages) {
  EXPECT_EQ(ParseListObjectsV2("<html>proxy error</html>").status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                               "</ListBucketResult>")
                .status()
                .kind(),
            ErrorKind::kCorrupt)
      << "a truncated page without a token would loop forever";
  for (const char* bad :
       {"yesterday", "2026-11-22 05:00:00Z", "2026-11-22T05:00:00.Z", "2026-11-22T05:00:00"}) {
    auto page = ParseListObjectsV2(fmt::format(
        "<ListBucketResult><Contents><Key>k</Key><Size>5</Size><LastModified>{}</LastModified>"
        "</Contents></ListBucketResult>",
        bad));
    EXPECT_EQ(page.status().kind(), ErrorKind::kCorrupt) << bad;
    if (!page.ok()) {
      EXPECT_NE(page.status().message().find(bad), std::string::npos);
    }
  }
  EXPECT_EQ(ParseListObjectsV2("<ListBucketResult><Contents><Key>k</Key><Size>x</Size>"
                               "</Contents></ListBucketResult>")
                .status()
                .kind(),
            ErrorKind::kCorrupt);
}

TEST(S3XmlTest, ParsesMultipartReplies) {
  auto id = ParseInitiateMultipartUpload(
      R"(<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>example-bucket</Bucket><Key>example-object</Key>
  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>)");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA");
  EXPECT_EQ(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult/>").status().kind(),
            ErrorKind::kCorrupt);

  EXPECT_EQ(
      CompleteMultipartUploadXml({{1, "\"a54357aff0632cce46d942af68356b38\""}, {2, "\"b&\""}}),
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
      "<ETag>&quot;a54357aff0632cce46d942af68356b38&quot;</ETag></Part>"
      "<Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;&quot;</ETag></Part>"
      "</CompleteMultipartUpload>");
}

TEST(S3XmlTest, ParsesErrorBodies) {
  auto error = ParseErrorBody(R"(<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
</Error>)");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, "NoSuchKey");
  EXPECT_EQ(error->message, "The resource you requested does not exist");
  // A 200 reply to CompleteMultipartUpload that failed after all.
  auto late = ParseErrorBody("<Error><Code>InternalError</Code></Error>");
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->code, "InternalError");
  EXPECT_EQ(late->message, "");
  EXPECT_FALSE(ParseErrorBody("").has_value());
  EXPECT_FALSE(ParseErrorBody("<CompleteMultipartUploadResult><ETag>x</ETag>"
                              "</CompleteMultipartUploadResult>")
                   .has_value());
}

TEST(S3XmlTest, ElementNamesMatchWhole) {
  auto keys = XmlElements("<KeyCount>3</KeyCount><Key>a</Key><Keys>b</Keys>", "Key");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0], "a");
  EXPECT_EQ(XmlUnescape("a &amp;amp; &bogus; &#0x; &#65;"), "a &amp; &bogus; &#0x; A");
}

}  // namespace
}  // namespace floe::io
