// Giving freed memory back after a rush of connections: when (the policy, at its boundaries) and that the
// timer does it, on a real io_context whose handlers the test runs one at a time.
#include <gtest/gtest.h>

#include "net/heap_trim.hpp"
#include "net/options.hpp"

namespace dais::net {
namespace {

using namespace std::chrono_literals;

TEST(TrimPolicy, TrimsOnceAfterTheFirstQuietIntervalFollowingChurn) {
  TrimPolicy policy;
  EXPECT_TRUE(policy.tick(0));   // after the start, which loaded the hearings
  EXPECT_FALSE(policy.tick(0));  // nothing came or went
  EXPECT_FALSE(policy.tick(0));
  EXPECT_FALSE(policy.tick(3));  // connections are coming
  EXPECT_FALSE(policy.tick(9));  // still coming
  EXPECT_TRUE(policy.tick(9));   // the first quiet interval: trim
  EXPECT_FALSE(policy.tick(9));  // once
  EXPECT_FALSE(policy.tick(9));
  EXPECT_FALSE(policy.tick(10));  // one more left
  EXPECT_TRUE(policy.tick(10));
}

TEST(HeapTrim, TheTimerTrimsWhenTheChurnStopsAndCountsIt) {
  boost::asio::io_context ioc;
  Metrics metrics;
  std::uint64_t churn = 0;
  HeapTrim trim(
      ioc, 1ms, [&] { return churn; }, metrics);
  trim.start();
  ASSERT_EQ(ioc.run_one(), 1u);  // the first arming
  ASSERT_EQ(ioc.run_one(), 1u);  // the first tick: what the start left
  EXPECT_EQ(metrics.heap_trims.load(), 1);
  ASSERT_EQ(ioc.run_one(), 1u);  // a tick with nothing to do
  EXPECT_EQ(metrics.heap_trims.load(), 1);
  churn = 500;
  ASSERT_EQ(ioc.run_one(), 1u);  // sees the churn
  EXPECT_EQ(metrics.heap_trims.load(), 1);
  ASSERT_EQ(ioc.run_one(), 1u);  // quiet: trims
  EXPECT_EQ(metrics.heap_trims.load(), 2);
  ASSERT_EQ(ioc.run_one(), 1u);
  EXPECT_EQ(metrics.heap_trims.load(), 2);
  trim.stop();
  ioc.run();  // the stop, then the cancelled wait: nothing is left armed
  EXPECT_EQ(metrics.heap_trims.load(), 2);
}

TEST(HeapTrim, TheIntervalIsASettingWithARangeAndADefault) {
  ServerOptions o;
  EXPECT_EQ(o.limits.heap_trim_ms, 2000);
  EXPECT_FALSE(apply_setting(o, "heap_trim_ms", -1).ok());
  EXPECT_EQ(o.limits.heap_trim_ms, 2000);
  EXPECT_TRUE(apply_setting(o, "heap_trim_ms", 0).ok());  // never
  EXPECT_EQ(o.limits.heap_trim_ms, 0);
}

}  // namespace
}  // namespace dais::net
