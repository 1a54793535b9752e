#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "runtime/losses/regression_loss.hpp"

using eligo::numpy_pairwise_sum;

TEST_CASE("numpy pairwise sum adds short arrays from left to right", "[loss]") {
  const std::vector<double> a{1e16, 1.0, -1e16, 1.0};
  // ((((0 + 1e16) + 1) − 1e16) + 1) = 1 in doubles: the 1 added to 1e16 is lost.
  CHECK(numpy_pairwise_sum(a.data(), a.size()) == 1.0);
}

TEST_CASE("numpy pairwise sum uses eight partial sums for blocks up to 128", "[loss]") {
  // 16 values: r[j] = a[j] + a[8+j]; then ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)).
  std::vector<double> a(16, 0.0);
  a[0] = 1e16;
  a[8] = -1e16;
  a[1] = 1.0;
  // Sequential summation would lose the 1.0 (1e16 + 1 rounds to 1e16); the blocked order keeps it.
  CHECK(numpy_pairwise_sum(a.data(), a.size()) == 1.0);
  double sequential = 0.0;
  for (double x : a) sequential += x;
  CHECK(sequential == 0.0);
}

TEST_CASE("regression loss is half the mean over readouts of the summed squared error", "[loss]") {
  eligo::RecordedSignals s;
  s.n_out = 2;
  // 2 iterations of 3 steps; step-major samples (readout 0, readout 1).
  s.readout_signal = {1, 0, 2, 0, 3, 0, /*iteration 2*/ 0, 1, 0, 1, 0, 1};
  s.target_signal = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const auto loss = eligo::regression_loss(s, 2, 1, 3);
  REQUIRE(loss.size() == 2);
  CHECK(loss[0] == 0.5 * ((1.0 + 4.0 + 9.0) + 0.0) / 2.0);
  CHECK(loss[1] == 0.5 * (0.0 + 3.0) / 2.0);
}

TEST_CASE("regression loss rejects a recording of the wrong length", "[loss]") {
  eligo::RecordedSignals s;
  s.n_out = 1;
  s.readout_signal = {1, 2, 3};
  s.target_signal = {0, 0, 0};
  CHECK_THROWS_AS(eligo::regression_loss(s, 2, 1, 3), std::invalid_argument);
}
