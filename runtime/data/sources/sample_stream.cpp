#include "runtime/data/sources/sample_stream.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace eligo {

void DataSource::skip(std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) next(SampleParts::supervision);
}

SampleStream::SampleStream(SampleStreamPlan plan, SampleParts parts) : plan_(std::move(plan)), parts_(parts) {
  const SampleLayout& l = plan_.layout;
  if (l.sequence < 1) throw std::invalid_argument("sample stream: sequence must be >= 1 step");
  if (l.learning_window < 1 || l.learning_window > l.sequence)
    throw std::invalid_argument("sample stream: learning window must be 1 … sequence steps");
  if (!plan_.source) throw std::invalid_argument("sample stream: no data source");
  plan_.read_ahead = std::max<std::int64_t>(plan_.read_ahead, 0);
  reopen();
}

void SampleStream::reopen() {
  source_ = plan_.source();
  held_.clear();
  first_held_ = next_index_ = 0;
}

void SampleStream::pull() {
  const std::string where = "sample " + std::to_string(next_index_);
  std::optional<Sample> s = source_->next(parts_);
  if (!s) throw std::invalid_argument(where + ": the data source has no more samples");
  const Step sequence = plan_.layout.sequence;
  if (s->targets) {
    if (s->targets->size() != plan_.n_out)
      throw std::invalid_argument(where + ": targets for " + std::to_string(s->targets->size()) + " readouts, not " +
                                  std::to_string(plan_.n_out));
    for (const auto& pattern : *s->targets)
      if (pattern.size() != static_cast<std::size_t>(sequence))
        throw std::invalid_argument(where + ": a target pattern of " + std::to_string(pattern.size()) + " steps, not " +
                                    std::to_string(sequence));
  } else if (s->label >= plan_.n_out) {
    throw std::invalid_argument(where + ": label " + std::to_string(s->label) + " but only " +
                                std::to_string(plan_.n_out) + " readouts");
  }
  for (const InputSpike& x : s->spikes) {
    if (x.input >= plan_.n_in)
      throw std::invalid_argument(where + ": input " + std::to_string(x.input) + " but only " +
                                  std::to_string(plan_.n_in) + " inputs");
    if (x.step < 0 || x.step >= sequence)
      throw std::invalid_argument(where + ": spike at step " + std::to_string(x.step) + " outside the sequence of " +
                                  std::to_string(sequence) + " steps");
  }
  std::sort(s->spikes.begin(), s->spikes.end());
  held_.push_back(std::move(*s));
  ++next_index_;
}

const Sample& SampleStream::sample(std::int64_t index) {
  if (index < 0 || index >= plan_.samples)
    throw std::out_of_range("sample stream: sample " + std::to_string(index) + " of " + std::to_string(plan_.samples));
  if (index < first_held_) reopen();
  while (first_held_ < index && !held_.empty()) {
    held_.pop_front();
    ++first_held_;
  }
  if (held_.empty() && next_index_ < index) {  // jump: nothing in between is needed
    source_->skip(index - next_index_);
    first_held_ = next_index_ = index;
  }
  const std::int64_t last = std::min(index + plan_.read_ahead, plan_.samples - 1);
  while (next_index_ <= last) pull();
  return held_[static_cast<std::size_t>(index - first_held_)];
}

// An open-ended run asks for steps of a sample only once the sample exists or the source has closed
// (actors/stream/), so by then the source knows whether the task still goes on. Only a sample not
// pulled yet can lie past the end: asking the source once per sample keeps it out of the step loop.
void SampleStream::learn_end(std::int64_t wanted) {
  if (!plan_.open_ended || wanted < next_index_) return;
  if (const std::optional<std::int64_t> n = source_->total()) {
    plan_.samples = *n;
    plan_.open_ended = false;
  }
}

void SampleStream::input_arrivals(Step first, Step steps, std::uint32_t first_input, std::uint32_t n,
                                  std::vector<StepArrival>& out) {
  const Step S = plan_.layout.sequence;
  const Step begin = std::max<Step>(first, kTaskOffsetGen), end = first + steps;
  if (end <= begin) return;
  const std::int64_t s_first = (begin - kTaskOffsetGen) / S;
  learn_end((end - 1 - kTaskOffsetGen) / S);
  const std::int64_t s_last = std::min<std::int64_t>((end - 1 - kTaskOffsetGen) / S, plan_.samples - 1);
  for (std::int64_t s = s_first; s <= s_last; ++s) {
    const Step start = kTaskOffsetGen + s * S;
    const std::vector<InputSpike>& spikes = sample(s).spikes;
    const InputSpike from{std::max(begin, start) - start, 0};
    for (auto it = std::lower_bound(spikes.begin(), spikes.end(), from); it != spikes.end() && start + it->step < end;
         ++it) {
      if (it->input >= first_input && it->input - first_input < n)
        out.emplace_back(start + it->step, it->input - first_input);
    }
  }
}

void SampleStream::supervision(Step t, std::vector<double>& targets, double& window) {
  targets.assign(plan_.n_out, 0.0);
  window = 0.0;
  const Step offset = plan_.layout.supervision_offset;
  if (t < offset) return;  // no value has been sent yet
  const Step S = plan_.layout.sequence;
  learn_end((t - offset) / S);
  if (plan_.samples == 0) return;
  std::int64_t s = (t - offset) / S;
  Step r = (t - offset) % S;
  if (s >= plan_.samples) {  // after the task: the last values hold
    s = plan_.samples - 1;
    r = S - 1;
  }
  const Sample& x = sample(s);
  for (std::uint32_t k = 0; k < plan_.n_out; ++k) {
    targets[k] =
        x.targets ? (*x.targets)[k][static_cast<std::size_t>(r)] : (k == x.label ? plan_.layout.target_value : 0.0);
  }
  window = r >= S - plan_.layout.learning_window ? 1.0 : 0.0;
}

}  // namespace eligo
