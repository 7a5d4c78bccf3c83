// SigV4 against AWS's published examples: the four requests of "Examples of signature
// calculations" in the S3 API reference (examplebucket, 2013-05-24) and get-vanilla from the
// SigV4 test suite.

#include "io/s3_signer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace floe::io {
namespace {

const SigningCredentials kExampleKeys{"AKIAIOSFODNN7EXAMPLE",
                                      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kExampleDate = "20130524T000000Z";
constexpr const char* kEmptyHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Built in one place: assigning short literals to a default-constructed member trips g++ 12's
/// false -Wrestrict.
SigningRequest MakeRequest(std::string method, std::string encoded_path) {
  return SigningRequest{.method = std::move(method),
                        .encoded_path = std::move(encoded_path),
                        .payload_sha256 = kEmptyHash};
}

TEST(S3SignerTest, GetObjectWithRange) {
  SigningRequest request = MakeRequest("GET", "/test.txt");
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Range", "bytes=0-9"},
                     {"x-amz-content-sha256", kEmptyHash},
                     {"x-amz-date", kExampleDate}};
  SigningResult result = SignV4(request, kExampleKeys, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(result.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(result.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(result.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(result.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(result.authorization.find(kExampleKeys.secret_access_key), std::string::npos);
}

TEST(S3SignerTest, PutObjectWithEncodedKey) {
  const std::string body = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest request =
      MakeRequest("PUT", fmt::format("/{}", UriEncode("test$file.text", false)));
  EXPECT_EQ(request.encoded_path, "/test%24file.text");
  request.payload_sha256 = Sha256Hex(body);
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"x-amz-content-sha256", request.payload_sha256}};
  SigningResult result = SignV4(request, kExampleKeys, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(result.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(result.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3SignerTest, GetBucketLifecycleWithFlagParameter) {
  SigningRequest request = MakeRequest("GET", "/");
  request.query = {{"lifecycle", ""}};
  request.payload_sha256 = kEmptyHash;
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-content-sha256", kEmptyHash}};
  SigningResult result = SignV4(request, kExampleKeys, "us-east-1", "s3", kExampleDate);
  EXPECT_EQ(result.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SignerTest, ListObjectsWithSortedQuery) {
  SigningRequest request = MakeRequest("GET", "/");
  // Given out of order: the canonical form sorts them.
  request.query = {{"prefix", "J"}, {"max-keys", "2"}};
  request.payload_sha256 = kEmptyHash;
  request.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
                     {"x-amz-date", kExampleDate},
                     {"x-amz-content-sha256", kEmptyHash}};
  SigningResult result = SignV4(request, kExampleKeys, "us-east-1", "s3", kExampleDate);
  EXPECT_NE(result.canonical_request.find("\nmax-keys=2&prefix=J\n"), std::string::npos);
  EXPECT_EQ(result.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SignerTest, TestSuiteGetVanilla) {
  SigningRequest request = MakeRequest("GET", "/");
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  SigningCredentials keys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  SigningResult result = SignV4(request, keys, "us-east-1", "service", "20150830T123600Z");
  // The suite's Authorization separates its parts with ", "; S3 takes either form.
  EXPECT_EQ(result.signed_headers, "host;x-amz-date");
  EXPECT_EQ(result.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(S3SignerTest, HeaderValuesAreTrimmedAndSpacesFolded) {
  SigningRequest request = MakeRequest("GET", "/");
  request.headers = {{"My-Header", "  a   b  "}};
  SigningResult result = SignV4(request, kExampleKeys, "us-east-1", "s3", kExampleDate);
  EXPECT_NE(result.canonical_request.find("\nmy-header:a b\n"), std::string::npos);
}

TEST(S3SignerTest, UriEncodeKeepsUnreservedAndOptionallySlash) {
  EXPECT_EQ(UriEncode("a-b_c.d~e/f g+h=i&j", false), "a-b_c.d~e/f%20g%2Bh%3Di%26j");
  EXPECT_EQ(UriEncode("a/b", true), "a%2Fb");
  EXPECT_EQ(UriEncode("\xC3\xA9", false), "%C3%A9");
  EXPECT_EQ(CanonicalQueryString({{"uploadId", "x/y+z"}, {"partNumber", "2"}}),
            "partNumber=2&uploadId=x%2Fy%2Bz");
  EXPECT_EQ(CanonicalQueryString({{"uploads", ""}}), "uploads=");
}

TEST(S3SignerTest, AmzDateIsUtc) {
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
}

TEST(S3SignerTest, HmacMatchesRfc4231Case2) {
  std::string mac = HmacSha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (unsigned char c : mac) hex += fmt::format("{:02x}", c);
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace floe::io
