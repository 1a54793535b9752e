#include "runtime/network/pending_errors.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "runtime/checkpoint/state_stream.hpp"

namespace eligo {

void PendingErrorQueue::add(const ErrorBatch& e, Step delay) {
  for (std::uint32_t o = 0; o < e.n_steps; ++o) {
    const Step step = e.first_step + o;
    const double* eps = e.eps.data() + std::size_t{o} * e.n_readouts;
    errors_.push_back({step + delay, step, std::vector<double>(eps, eps + e.n_readouts)});
  }
}

void PendingErrorQueue::save_state(StateWriter& w) const {
  w.section("pending_errors");
  w.u64(errors_.size());
  for (const PendingErrors& e : errors_) {
    w.i64(e.arrival);
    w.i64(e.step);
    w.vector(e.eps);
  }
}

void PendingErrorQueue::load_state(StateReader& r, std::size_t readouts_needed) {
  r.section("pending_errors");
  const std::size_t n = r.count("steps", 8 + 8 + 8, std::numeric_limits<std::uint32_t>::max());
  std::deque<PendingErrors> errors;
  for (std::size_t i = 0; i < n; ++i) {
    PendingErrors e;
    e.arrival = r.i64("arrival");
    e.step = r.i64("step");
    e.eps = r.vector<double>("eps", std::size_t{1} << 24);
    if (e.eps.size() < readouts_needed) {
      r.fail("eps", "has " + std::to_string(e.eps.size()) + " readouts, the feedback reads " +
                        std::to_string(readouts_needed));
    }
    errors.push_back(std::move(e));
  }
  errors_ = std::move(errors);
}

}  // namespace eligo
