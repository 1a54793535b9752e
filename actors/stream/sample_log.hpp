#pragma once
// The samples of one streaming session, shared by every shard that reads them (docs/architecture.md
// §10): the connection appends complete samples, and each consumer (the input shards read the spikes,
// the readout the labels) takes them in order through a DataSource of its own, as shards do with a
// task's source. A consumer that asks for a sample not yet there waits for it; the session lets the
// network run a step only once its sample is in, so in practice nothing waits. Samples every consumer
// has passed are dropped: memory holds only what is queued.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>

#include "runtime/data/sources/data_source.hpp"

namespace eligo::stream {

class SampleLog : public std::enable_shared_from_this<SampleLog> {
 public:
  void append(Sample s);
  // No more samples: consumers see the end after the last one.
  void close();
  // A source for one consumer, from the first sample still held.
  std::unique_ptr<DataSource> open();
  DataSourceFactory factory() {
    return [self = shared_from_this()] { return self->open(); };
  }

 private:
  class Reader;
  std::optional<Sample> take(std::int64_t index, SampleParts parts);
  void trim();
  void detach(std::int64_t id);
  void moved(std::int64_t id, std::int64_t cursor);

  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Sample> samples_;  // first_ … first_ + size − 1
  std::int64_t first_ = 0;
  bool closed_ = false;
  std::int64_t next_reader_ = 0;
  std::deque<std::pair<std::int64_t, std::int64_t>> cursors_;  // (reader id, next sample)
};

}  // namespace eligo::stream
