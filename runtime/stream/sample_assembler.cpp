#include "runtime/stream/sample_assembler.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace eligo::stream {
namespace {

std::string us(std::uint64_t t) { return std::to_string(t) + " µs"; }

}  // namespace

SampleAssembler::SampleAssembler(StreamEncoding encoding) : encoding_(std::move(encoding)) {
  if (encoding_.sequence < 2) throw std::invalid_argument("sample assembler: a sample needs at least 2 steps");
}

void SampleAssembler::check_time(std::uint64_t t_us, const char* what) const {
  if (t_us < promised_)
    throw StreamRequestError(std::string(what) + " at " + us(t_us) +
                             " comes after the promise (Advance) that nothing " + "before " + us(promised_) + " would");
}

void SampleAssembler::add_sensor_event(std::uint64_t t_us, std::uint32_t x, std::uint32_t y, bool on) {
  if (!encoding_.sensor)
    throw StreamRequestError("an x, y, polarity event, but this server's config maps no sensor: send channel events");
  const SensorMapping& sensor = encoding_.sensor->sensor;
  if (x >= sensor.width || y >= sensor.height)
    throw StreamRequestError("event at " + us(t_us) + ": pixel (" + std::to_string(x) + ", " + std::to_string(y) +
                             ") outside the " + std::to_string(sensor.width) + " × " + std::to_string(sensor.height) +
                             " sensor");
  check_time(t_us, "an event");
  if (t_us < last_event_)
    throw StreamRequestError("event at " + us(t_us) + " is earlier than the event before it at " + us(last_event_) +
                             ": events must come in time order");
  events_.push_back({t_us, x, y, on, true});
  last_event_ = t_us;
}

void SampleAssembler::add_channel_event(std::uint64_t t_us, std::uint32_t channel) {
  if (channel >= encoding_.n_in)
    throw StreamRequestError("event at " + us(t_us) + ": channel " + std::to_string(channel) +
                             ", but the network has " + std::to_string(encoding_.n_in) + " inputs");
  check_time(t_us, "an event");
  if (t_us < last_event_)
    throw StreamRequestError("event at " + us(t_us) + " is earlier than the event before it at " + us(last_event_) +
                             ": events must come in time order");
  events_.push_back({t_us, channel, 0, false, false});
  last_event_ = t_us;
}

void SampleAssembler::declare(Declared d) {
  const std::string what = "the sample [" + us(d.begin) + ", " + us(d.end) + ")";
  if (d.end <= d.begin) throw StreamRequestError(what + " is empty");
  check_time(d.begin, "a sample");
  if (d.begin < last_end_)
    throw StreamRequestError(what + " overlaps the sample before it, which ends at " + us(last_end_));
  last_end_ = d.end;
  declared_.push_back(std::move(d));
}

void SampleAssembler::add_label(std::optional<std::uint32_t> label, std::uint64_t begin_us, std::uint64_t end_us) {
  if (!encoding_.classification)
    throw StreamRequestError("a Label, but this server's task is a regression: send Target frames");
  if (label && *label >= encoding_.n_out)
    throw StreamRequestError("label " + std::to_string(*label) + ", but the network has " +
                             std::to_string(encoding_.n_out) + " readouts");
  if (!label && encoding_.labels_required)
    throw StreamRequestError("a sample without a label in a session that learns");
  declare({begin_us, end_us, label, nullptr});
}

void SampleAssembler::add_target(std::uint64_t begin_us, std::uint64_t end_us, const std::vector<double>& values) {
  if (encoding_.classification)
    throw StreamRequestError("a Target, but this server's task is a classification: send Label frames");
  const auto steps = static_cast<std::size_t>(encoding_.sequence);
  if (values.size() != encoding_.n_out * steps)
    throw StreamRequestError("a Target of " + std::to_string(values.size()) + " values, not " +
                             std::to_string(encoding_.n_out) + " readouts × " + std::to_string(steps) + " steps");
  auto patterns = std::make_shared<std::vector<std::vector<double>>>(encoding_.n_out);
  for (std::uint32_t k = 0; k < encoding_.n_out; ++k) {
    const auto first = values.begin() + static_cast<std::ptrdiff_t>(k * steps);
    (*patterns)[k].assign(first, first + static_cast<std::ptrdiff_t>(steps));
  }
  declare({begin_us, end_us, std::nullopt, std::move(patterns)});
}

CompleteSample SampleAssembler::assemble(const Declared& d) {
  while (!events_.empty() && events_.front().t_us < d.begin) {
    events_.pop_front();
    ++outside_;
  }
  CompleteSample out;
  out.labelled = d.label.has_value() || d.targets != nullptr;
  out.sample.label = d.label.value_or(0);
  out.sample.targets = d.targets;
  std::vector<CameraEvent> camera;
  const double us_per_step = 1000.0 * encoding_.resolution_ms;
  const Step last_step = encoding_.sequence - 1;
  for (; !events_.empty() && events_.front().t_us < d.end; events_.pop_front()) {
    const StreamEvent& e = events_.front();
    ++out.events;
    const std::uint64_t t = e.t_us - d.begin;
    if (e.sensor) {
      camera.push_back(
          {static_cast<std::int64_t>(t), static_cast<std::uint16_t>(e.channel), static_cast<std::uint16_t>(e.y), e.on});
    } else {  // a channel event lands in the step of its time from the sample's begin, unclamped
      const double step = std::floor(static_cast<double>(t) / us_per_step);
      if (step <= static_cast<double>(last_step)) out.sample.spikes.push_back({static_cast<Step>(step), e.channel});
    }
  }
  if (!camera.empty()) encode_events(camera, *encoding_.sensor, out.sample.spikes);  // pixels checked on arrival
  return out;
}

std::vector<CompleteSample> SampleAssembler::advance(std::uint64_t t_us) {
  if (t_us < promised_)
    throw StreamRequestError("Advance to " + us(t_us) + " goes back before the earlier Advance to " + us(promised_));
  promised_ = t_us;
  std::vector<CompleteSample> complete;
  while (!declared_.empty() && declared_.front().end <= t_us) {
    complete.push_back(assemble(declared_.front()));
    declared_.pop_front();
  }
  // What lies before the promise and before every sample still open belongs to no sample.
  const std::uint64_t keep_from = declared_.empty() ? t_us : std::min(t_us, declared_.front().begin);
  while (!events_.empty() && events_.front().t_us < keep_from) {
    events_.pop_front();
    ++outside_;
  }
  return complete;
}

std::vector<CompleteSample> SampleAssembler::close() {
  std::vector<CompleteSample> complete = advance(std::max(promised_, last_end_));
  outside_ += events_.size();
  events_.clear();
  return complete;
}

}  // namespace eligo::stream
