#include "actors/stream/sample_log.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eligo::stream {

class SampleLog::Reader final : public DataSource {
 public:
  Reader(std::shared_ptr<SampleLog> log, std::int64_t id, std::int64_t first)
      : log_(std::move(log)), id_(id), next_(first) {}
  ~Reader() override { log_->detach(id_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  std::optional<Sample> next(SampleParts parts) override {
    std::optional<Sample> s = log_->take(next_, parts);
    if (s) log_->moved(id_, ++next_);
    return s;
  }
  void skip(std::int64_t n) override {
    next_ += n;
    log_->moved(id_, next_);
  }
  std::optional<std::int64_t> total() const override {
    std::lock_guard lock(log_->mutex_);
    if (!log_->closed_) return std::nullopt;
    return log_->first_ + static_cast<std::int64_t>(log_->samples_.size());
  }

 private:
  std::shared_ptr<SampleLog> log_;
  std::int64_t id_;
  std::int64_t next_;
};

void SampleLog::append(Sample s) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw std::logic_error("sample log: append after close");
    samples_.push_back(std::move(s));
  }
  arrived_.notify_all();
}

void SampleLog::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  arrived_.notify_all();
}

std::unique_ptr<DataSource> SampleLog::open() {
  std::lock_guard lock(mutex_);
  const std::int64_t id = next_reader_++;
  cursors_.emplace_back(id, first_);
  return std::make_unique<Reader>(shared_from_this(), id, first_);
}

std::optional<Sample> SampleLog::take(std::int64_t index, SampleParts parts) {
  std::unique_lock lock(mutex_);
  if (index < first_)
    throw std::logic_error("sample log: sample " + std::to_string(index) +
                           " was dropped (first held: " + std::to_string(first_) + ")");
  arrived_.wait(lock, [&] { return closed_ || index < first_ + static_cast<std::int64_t>(samples_.size()); });
  if (index >= first_ + static_cast<std::int64_t>(samples_.size())) return std::nullopt;
  const Sample& s = samples_[static_cast<std::size_t>(index - first_)];
  if (parts == SampleParts::supervision) return Sample{{}, s.label, s.targets};
  return s;
}

void SampleLog::moved(std::int64_t id, std::int64_t cursor) {
  std::lock_guard lock(mutex_);
  for (auto& [reader, next] : cursors_)
    if (reader == id) next = cursor;
  trim();
}

void SampleLog::detach(std::int64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(cursors_, [&](const auto& c) { return c.first == id; });
}

// Called with the mutex held.
void SampleLog::trim() {
  if (cursors_.empty()) return;
  std::int64_t slowest = cursors_.front().second;
  for (const auto& c : cursors_) slowest = std::min(slowest, c.second);
  while (first_ < slowest && !samples_.empty()) {
    samples_.pop_front();
    ++first_;
  }
}

}  // namespace eligo::stream
