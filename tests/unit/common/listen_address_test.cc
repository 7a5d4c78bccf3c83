#include "common/listen_address.h"

#include <gtest/gtest.h>

namespace floe {
namespace {

TEST(ListenAddressTest, LoopbackOnlyUnlessAllowed) {
  auto v4 = ParseListenAddress("127.0.0.1:9249", false);
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9249);
  auto v6 = ParseListenAddress("[::1]:0", false);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  EXPECT_TRUE(ParseListenAddress("localhost:80", false).ok());
  EXPECT_TRUE(ParseListenAddress("127.1.2.3:80", false).ok());
  for (const char* remote : {"0.0.0.0:9249", "10.0.0.1:9249", "example.com:9249", "[::]:9249"}) {
    auto refused = ParseListenAddress(remote, false);
    ASSERT_FALSE(refused.ok()) << remote;
    EXPECT_NE(refused.status().message().find("not a loopback address"), std::string::npos)
        << refused.status().message();
    EXPECT_NE(refused.status().message().find("--http-allow-remote"), std::string::npos);
    EXPECT_TRUE(ParseListenAddress(remote, true).ok()) << remote;
  }
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":9249", "127.0.0.1:65536", "127.0.0.1:-1",
                          "127.0.0.1:80x", "[::1]9249", "::1:9249"}) {
    auto refused = ParseListenAddress(bad, true);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_NE(refused.status().message().find(bad), std::string::npos)
        << refused.status().message();
  }
}

}  // namespace
}  // namespace floe
