// S3 locations, settings from properties and the environment, and request addressing.

#include "io/s3_options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "io/file_io.h"

namespace floe::io {
namespace {

/// A fake environment for S3Options::Resolve.
struct FakeEnv {
  std::map<std::string, std::string> variables;
  std::function<const char*(const char*)> Getter() const {
    return [this](const char* name) -> const char* {
      auto found = variables.find(name);
      return found == variables.end() ? nullptr : found->second.c_str();
    };
  }
};

TEST(S3LocationTest, ParsesSchemesBucketAndKey) {
  auto location = S3Location::Parse("s3://lakehouse/warehouse/ns/t/data/f.parquet");
  ASSERT_TRUE(location.ok()) << location.status().ToString();
  EXPECT_EQ(location->scheme, "s3");
  EXPECT_EQ(location->bucket, "lakehouse");
  EXPECT_EQ(location->key, "warehouse/ns/t/data/f.parquet");
  EXPECT_EQ(location->ToString(), "s3://lakehouse/warehouse/ns/t/data/f.parquet");

  auto s3a = S3Location::Parse("s3a://b/k");
  ASSERT_TRUE(s3a.ok());
  EXPECT_EQ(s3a->scheme, "s3a");
  EXPECT_EQ(s3a->ToString(), "s3a://b/k");

  auto bucket_only = S3Location::Parse("s3://b", /*allow_empty_key=*/true);
  ASSERT_TRUE(bucket_only.ok());
  EXPECT_EQ(bucket_only->key, "");
  EXPECT_TRUE(IsS3Location("s3n://b/k"));
  EXPECT_FALSE(IsS3Location("s3:/b/k"));
  EXPECT_FALSE(IsS3Location("/tmp/s3://x"));
}

TEST(S3LocationTest, RejectsBadLocations) {
  for (const char* bad : {"s3://", "s3:///key", "gs://bucket/key", "s3://bucket", "s3://bucket/",
                          "s3://bad bucket/key", "s3://b?x/key"}) {
    auto location = S3Location::Parse(bad);
    ASSERT_FALSE(location.ok()) << bad;
    EXPECT_EQ(location.status().kind(), ErrorKind::kInvalidArgument) << bad;
    EXPECT_NE(location.status().message().find(bad), std::string::npos)
        << location.status().message();
  }
}

TEST(S3OptionsTest, PropertiesComeFirstThenSeedThenAwsVariables) {
  FakeEnv env{{{"S3_ENDPOINT", "http://seed:9000"},
               {"AWS_ENDPOINT_URL", "http://aws:9000"},
               {"S3_ACCESS_KEY", "seed-key"},
               {"AWS_ACCESS_KEY_ID", "aws-key"},
               {"AWS_SECRET_ACCESS_KEY", "aws-secret"},
               {"AWS_SESSION_TOKEN", "aws-token"},
               {"AWS_DEFAULT_REGION", "eu-west-1"}}};
  auto options = S3Options::Resolve({{"s3.access-key-id", "prop-key"}}, env.Getter());
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->endpoint, "http://seed:9000");
  EXPECT_EQ(options->access_key_id, "prop-key");
  EXPECT_EQ(options->secret_access_key, "aws-secret");
  EXPECT_EQ(options->session_token, "aws-token");
  EXPECT_EQ(options->region, "eu-west-1");
  EXPECT_TRUE(options->path_style) << "an explicit endpoint defaults to path-style";

  auto job = S3Options::Resolve({{"s3.endpoint", "http://minio:9000/"},
                                 {"s3.access-key-id", "admin"},
                                 {"s3.secret-access-key", "password"},
                                 {"s3.path-style-access", "false"},
                                 {"client.region", "us-west-2"}},
                                FakeEnv{}.Getter());
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->endpoint, "http://minio:9000");
  EXPECT_FALSE(job->path_style);
  EXPECT_EQ(job->region, "us-west-2");

  auto aws = S3Options::Resolve({}, FakeEnv{{{"AWS_ACCESS_KEY_ID", "k"},
                                             {"AWS_SECRET_ACCESS_KEY", "s"},
                                             {"AWS_REGION", "ap-south-1"}}}
                                        .Getter());
  ASSERT_TRUE(aws.ok());
  EXPECT_EQ(aws->endpoint, "");
  EXPECT_FALSE(aws->path_style) << "AWS itself is addressed virtual-hosted";
  EXPECT_EQ(aws->region, "ap-south-1");
}

TEST(S3OptionsTest, MissingCredentialsNameWhatIsMissing) {
  auto none = S3Options::Resolve({}, FakeEnv{}.Getter());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().kind(), ErrorKind::kUnauthorized);
  EXPECT_NE(none.status().message().find("no access key id"), std::string::npos);
  EXPECT_NE(none.status().message().find("s3.access-key-id, S3_ACCESS_KEY or AWS_ACCESS_KEY_ID"),
            std::string::npos)
      << none.status().message();
  EXPECT_NE(none.status().message().find("no secret access key"), std::string::npos);

  auto no_secret = S3Options::Resolve({{"s3.access-key-id", "AKID"}}, FakeEnv{}.Getter());
  ASSERT_FALSE(no_secret.ok());
  EXPECT_EQ(no_secret.status().message().find("no access key id"), std::string::npos);
  EXPECT_NE(no_secret.status().message().find(
                "no secret access key (set s3.secret-access-key, S3_SECRET_KEY or "
                "AWS_SECRET_ACCESS_KEY)"),
            std::string::npos)
      << no_secret.status().message();

  auto no_key = S3Options::Resolve({{"s3.secret-access-key", "TOP-SECRET"}}, FakeEnv{}.Getter());
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.status().message().find("TOP-SECRET"), std::string::npos);
}

TEST(S3OptionsTest, RejectsMalformedSettings) {
  const std::map<std::string, std::string> keys = {{"s3.access-key-id", "k"},
                                                   {"s3.secret-access-key", "s"}};
  auto with = [&](std::string key, std::string value) {
    auto properties = keys;
    properties[key] = value;
    return S3Options::Resolve(properties, FakeEnv{}.Getter());
  };
  for (const char* endpoint : {"minio:9000", "ftp://minio", "http://", "http://h/path"}) {
    auto bad = with("s3.endpoint", endpoint);
    ASSERT_FALSE(bad.ok()) << endpoint;
    EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(bad.status().message().find("invalid S3 endpoint"), std::string::npos);
  }
  EXPECT_FALSE(with("s3.path-style-access", "yes").ok());
  EXPECT_FALSE(with("s3.multipart.size", "1024").ok()) << "below S3's 5 MiB minimum";
  EXPECT_FALSE(with("s3.multipart.size", "big").ok());
  auto part = with("s3.multipart.size", "16777216");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->part_size_bytes, 16777216);
  auto retries = with("s3.retry.num-retries", "0");
  ASSERT_TRUE(retries.ok());
  EXPECT_EQ(retries->max_retries, 0);
}

TEST(S3OptionsTest, AddressesPathStyleAndVirtualHosted) {
  S3Options options;
  options.endpoint = "http://127.0.0.1:9000";
  options.path_style = true;
  auto path = options.AddressOf("lakehouse", "a b/c+d.parquet");
  EXPECT_EQ(path.url, "http://127.0.0.1:9000/lakehouse/a%20b/c%2Bd.parquet");
  EXPECT_EQ(path.host, "127.0.0.1:9000");
  EXPECT_EQ(path.encoded_path, "/lakehouse/a%20b/c%2Bd.parquet");
  EXPECT_EQ(options.AddressOf("lakehouse", "").url, "http://127.0.0.1:9000/lakehouse");

  options.endpoint = "https://minio.example.com";
  options.path_style = false;
  auto virtual_hosted = options.AddressOf("lakehouse", "k/v.json");
  EXPECT_EQ(virtual_hosted.url, "https://lakehouse.minio.example.com/k/v.json");
  EXPECT_EQ(virtual_hosted.host, "lakehouse.minio.example.com");
  EXPECT_EQ(virtual_hosted.encoded_path, "/k/v.json");
  EXPECT_EQ(options.AddressOf("lakehouse", "").encoded_path, "/");

  options.endpoint.clear();
  options.region = "eu-central-1";
  EXPECT_EQ(options.AddressOf("b", "k").url, "https://b.s3.eu-central-1.amazonaws.com/k");
}

TEST(S3OptionsTest, MakeFileIoRejectsBadS3Locations) {
  auto bad =
      MakeFileIO("s3:///no-bucket", {{"s3.access-key-id", "k"}, {"s3.secret-access-key", "s"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
  auto other = MakeFileIO("gs://bucket/key", {});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().kind(), ErrorKind::kNotSupported);
}

}  // namespace
}  // namespace floe::io
