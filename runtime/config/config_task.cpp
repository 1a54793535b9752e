// Stage 3d of the config loader (config_task.hpp): the task's settings, checked, and laid out into the network.
#include "runtime/config/config_task.hpp"

#include <cmath>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/config/config_limits.hpp"
#include "runtime/data/tasks/classification_task.hpp"
#include "runtime/data/tasks/nmnist_task.hpp"
#include "runtime/data/tasks/sine_wave_task.hpp"

namespace eligo::config_loading {

namespace fs = std::filesystem;
namespace pb = ::eligo::config;

namespace {

enum class TaskKind { sine_wave, evidence_accumulation, nmnist, event_folder };
constexpr Choice<TaskKind> kTaskKinds[] = {{"sine_wave", TaskKind::sine_wave},
                                           {"evidence_accumulation", TaskKind::evidence_accumulation},
                                           {"nmnist", TaskKind::nmnist},
                                           {"event_folder", TaskKind::event_folder}};
constexpr Choice<bool> kPolarities[] = {{"keep", false}, {"merge", true}};
constexpr Choice<TimeOrigin> kTimeOrigins[] = {{"first_event", TimeOrigin::first_event}, {"file", TimeOrigin::file}};
constexpr std::int64_t kMaxSensorSide = 1 << 16;  // event formats give x and y in at most 16 bits

constexpr Choice<SampleOrder> kOrders[] = {{"shuffled", SampleOrder::shuffled}, {"sorted", SampleOrder::sorted}};

// The task fields each kind reads; any other field that is set is refused, so that a setting of
// another kind is never silently ignored.
const std::set<std::string>& task_fields(TaskKind kind) {
  static const std::set<std::string> sine{"kind",          "sequence_steps", "input_rate_hz",     "periods_steps",
                                          "amplitude_low", "amplitude_high", "final_update_spike"};
  static const std::set<std::string> evidence{
      "kind",         "sequence_steps", "final_update_spike", "learning_window_steps",
      "target_value", "cues",           "cue_steps",          "spacing_steps",
      "delay_steps",  "recall_steps",   "cue_probability",    "spike_probability",
      "test_samples"};
  static const std::set<std::string> nmnist{
      "kind",         "sequence_steps", "final_update_spike", "learning_window_steps",
      "target_value", "data_dir",       "test_samples"};
  switch (kind) {
    case TaskKind::sine_wave:
      return sine;
    case TaskKind::evidence_accumulation:
      return evidence;
    case TaskKind::nmnist:
    case TaskKind::event_folder:
      return nmnist;
  }
  return sine;
}

void refuse_other_kinds_fields(const Reporter& r, const pb::Task& t, TaskKind kind) {
  std::vector<const google::protobuf::FieldDescriptor*> set_fields;
  t.GetReflection()->ListFields(t, &set_fields);
  for (const auto* f : set_fields) {
    if (!task_fields(kind).contains(f->name()))
      r.fail(member("task", f->name()), "is not a setting of task kind " + in_quotes(t.kind()));
  }
}

// Refuses a run longer than kMaxRunSteps steps.
void check_task_steps(const Reporter& r, std::int64_t sequence, std::int64_t sequences) {
  if (sequence > kMaxRunSteps / sequences)
    r.fail("training.iterations", "sequence_steps × sequences must be at most " + std::to_string(kMaxRunSteps) +
                                      " steps (got " + std::to_string(sequence) + " × " + std::to_string(sequences) +
                                      ")");
}

// Refuses a sample too large to hold in memory while it is presented (the run itself is streamed).
void check_sample_size(const Reporter& r, double entries, const std::string& lower) {
  if (entries > kMaxSampleEntries)
    r.fail("task", "one sample would hold about " + show(std::round(entries)) + " input spikes and target values (" +
                       show(std::round(entries * 16 / 1e9)) + " GB); lower " + lower);
}

SineWaveTaskParams read_sine_wave(const Reporter& r, const pb::Task& t, std::int64_t iterations, std::uint64_t seed,
                                  double h) {
  SineWaveTaskParams p;
  p.seed = seed;
  p.iterations = iterations;
  if (t.has_sequence_steps()) p.sequence = r.integer(t.sequence_steps(), "task.sequence_steps", 1, kMaxTaskSteps);
  check_task_steps(r, p.sequence, p.iterations);
  if (t.has_input_rate_hz()) p.input_rate_hz = t.input_rate_hz();
  const double max_rate = 1000.0 / h;  // one spike per step
  r.expect(p.input_rate_hz >= 0.0 && p.input_rate_hz <= max_rate, "task.input_rate_hz",
           "in [0, " + show(max_rate) + "] Hz (at most one spike per step)", p.input_rate_hz);
  if (t.periods_steps_size() > 0) {
    if (t.periods_steps_size() != 4)
      r.fail("task.periods_steps",
             "must list 4 periods, one per sine (got " + std::to_string(t.periods_steps_size()) + ")");
    for (int j = 0; j < 4; ++j) {
      p.periods_steps[j] = t.periods_steps(j);
      r.expect(p.periods_steps[j] > 0.0 && std::isfinite(p.periods_steps[j]),
               element("task.periods_steps", static_cast<std::size_t>(j)), "> 0 and finite", p.periods_steps[j]);
    }
  }
  if (t.has_amplitude_low()) p.amplitude_low = t.amplitude_low();
  if (t.has_amplitude_high()) p.amplitude_high = t.amplitude_high();
  r.expect(std::isfinite(p.amplitude_low), "task.amplitude_low", "finite", p.amplitude_low);
  r.expect(std::isfinite(p.amplitude_high) && p.amplitude_high >= p.amplitude_low, "task.amplitude_high",
           "finite and >= amplitude_low = " + show(p.amplitude_low), p.amplitude_high);
  if (t.has_final_update_spike()) p.final_update_spike = t.final_update_spike();
  return p;
}

TaskTiming lay_out_sine_wave(const Reporter& r, const pb::TrainingConfig& c, std::int64_t iterations,
                             std::uint64_t seed, NetworkDescription& net,
                             const std::function<void(const SampleSize&)>& check_memory) {
  if (c.training().has_group_size() && c.training().group_size() != 1)
    r.fail("training.group_size", "must be 1 for the sine_wave task: an iteration is one sequence (got " +
                                      std::to_string(c.training().group_size()) + ")");
  const SineWaveTaskParams task = read_sine_wave(r, c.task(), iterations, seed, net.resolution_ms);
  const double per_step = net.n_in * task.input_rate_hz * net.resolution_ms / 1000.0 + net.n_out;
  check_sample_size(r, static_cast<double>(task.sequence) * per_step,
                    "task.sequence_steps, task.input_rate_hz or the input and readout sizes");
  // The frozen raster is drawn cell by cell when the config loads (runtime/data/tasks/sine_wave_task.cpp).
  const double p = task.input_rate_hz * net.resolution_ms / 1000.0;
  const double cells = static_cast<double>(net.n_in) * static_cast<double>(task.sequence);
  if (p > 0.0 && cells > kMaxRasterCells)
    r.fail("task.sequence_steps", "the input raster of " + std::to_string(net.n_in) + " inputs × " +
                                      std::to_string(task.sequence) + " steps has " + show(cells) +
                                      " cells, each drawn when the config loads; at most " + show(kMaxRasterCells) +
                                      ": lower task.sequence_steps or the input population's size");
  check_memory({task.sequence, "task.sequence_steps", cells * p, "task.sequence_steps × task.input_rate_hz", true});
  try {
    return make_sine_wave_task(net, task);
  } catch (const std::invalid_argument& e) {  // e.g. a bsshslm_2020 update interval that is not the sequence
    r.fail("task", e.what());
  }
}

EvidenceAccumulationParams read_evidence(const Reporter& r, const pb::Task& t, const NetworkDescription& net) {
  EvidenceAccumulationParams p;
  constexpr std::int64_t kMaxPhase = 1'000'000;
  if (t.has_cues()) p.cues = r.integer(t.cues(), "task.cues", 1, 1000);
  if (t.has_cue_steps()) p.cue_steps = r.integer(t.cue_steps(), "task.cue_steps", 1, kMaxPhase);
  if (t.has_spacing_steps()) p.spacing_steps = r.integer(t.spacing_steps(), "task.spacing_steps", 0, kMaxPhase);
  if (t.has_delay_steps()) p.delay_steps = r.integer(t.delay_steps(), "task.delay_steps", 0, kMaxPhase);
  if (t.has_recall_steps()) p.recall_steps = r.integer(t.recall_steps(), "task.recall_steps", 1, kMaxPhase);
  if (t.has_cue_probability()) p.cue_probability = t.cue_probability();
  r.expect(p.cue_probability >= 0.0 && p.cue_probability <= 0.5, "task.cue_probability", "in [0, 0.5]",
           p.cue_probability);
  if (t.has_spike_probability()) p.spike_probability = t.spike_probability();
  r.expect(p.spike_probability >= 0.0 && p.spike_probability <= 1.0, "task.spike_probability", "in [0, 1]",
           p.spike_probability);
  if (t.has_sequence_steps() && t.sequence_steps() != p.sequence())
    r.fail("task.sequence_steps", "must equal cues × (cue_steps + spacing_steps) + delay_steps + recall_steps = " +
                                      std::to_string(p.sequence()) + " (got " + std::to_string(t.sequence_steps()) +
                                      "); leave it out");
  if (net.n_in % 4 != 0)
    r.fail("populations",
           "the evidence_accumulation task needs an input population of a multiple of 4 neurons "
           "(left, right, recall, noise), not " +
               std::to_string(net.n_in));
  if (net.n_out != 2)
    r.fail("populations",
           "the evidence_accumulation task needs 2 readouts (left, right), not " + std::to_string(net.n_out));
  return p;
}

// The sensor mapping of an event_folder task (runtime/data/sources/sensor_mapping.hpp), checked, and the
// input population's size checked against it.
SensorMapping read_sensor(const Reporter& r, const pb::Data& d, Step sequence, const NetworkDescription& net) {
  if (!d.has_sensor()) r.fail("data.sensor", "missing (the event_folder task maps a sensor to the inputs)");
  const pb::Sensor& p = d.sensor();
  SensorMapping m;
  m.width = static_cast<std::uint32_t>(r.integer(p.width(), "data.sensor.width", 1, kMaxSensorSide));
  m.height = static_cast<std::uint32_t>(r.integer(p.height(), "data.sensor.height", 1, kMaxSensorSide));
  m.crop_width = m.width;
  m.crop_height = m.height;
  if (p.has_crop()) {
    m.crop_x = p.crop().x();
    m.crop_y = p.crop().y();
    m.crop_width = p.crop().width();
    m.crop_height = p.crop().height();
  }
  m.grid_width = p.has_grid() ? p.grid().width() : m.crop_width;
  m.grid_height = p.has_grid() ? p.grid().height() : m.crop_height;
  if (!p.polarity().empty()) m.merge_polarity = choose(r, "data.sensor.polarity", p.polarity(), kPolarities);
  m.origin = p.time_origin().empty() ? TimeOrigin::first_event
                                     : choose(r, "data.sensor.time_origin", p.time_origin(), kTimeOrigins);
  m.window_us = 1000.0 * (p.has_window_ms() ? p.window_ms() : static_cast<double>(sequence) * net.resolution_ms);
  if (const std::string why = m.problem(); !why.empty()) r.fail("data.sensor", why);
  if (net.n_in != m.inputs())
    r.fail("populations", "the event_folder task's sensor mapping gives " + std::to_string(m.inputs()) + " inputs (" +
                              std::to_string(m.grid_width) + " × " + std::to_string(m.grid_height) + " cells" +
                              (m.merge_polarity ? "" : " × 2 polarities") + "), not " + std::to_string(net.n_in));
  return m;
}

ClassificationTask read_classification(const Reporter& r, const pb::TrainingConfig& c, TaskKind kind,
                                       std::uint64_t seed, const ConfigOverrides& overrides,
                                       const NetworkDescription& net) {
  const pb::Task& t = c.task();
  ClassificationTask task;
  task.seed = seed;
  SampleLayout& layout = task.layout;
  if (kind == TaskKind::evidence_accumulation) {
    task.kind = ClassificationKind::evidence_accumulation;
    task.evidence = read_evidence(r, t, net);
    layout.sequence = task.evidence.sequence();
    layout.learning_window = task.evidence.recall_steps;
  } else {
    task.kind = ClassificationKind::nmnist;
    if (kind == TaskKind::event_folder) {
      task.labels = net.n_out;  // label folders 0 … n_out − 1
      if (net.n_out < 2)
        r.fail("populations",
               "the event_folder task needs a readout per label, at least 2, not " + std::to_string(net.n_out));
    } else {
      if (net.n_in != kNmnistInputs)
        r.fail("populations", "the nmnist task needs 2 × 34 × 34 = " + std::to_string(kNmnistInputs) +
                                  " inputs (one per pixel and polarity), not " + std::to_string(net.n_in));
      if (net.n_out < 10)
        r.fail("populations", "the nmnist task needs 10 readouts (one per digit), not " + std::to_string(net.n_out));
    }
    if (overrides.data_dir) {
      task.data_dir = *overrides.data_dir;
    } else {
      if (t.data_dir().empty() && !overrides.streamed)
        r.fail("task.data_dir", "missing (the folder with Train/ and Test/)");
      task.data_dir =
          fs::path(t.data_dir()).is_absolute() ? fs::path(t.data_dir()) : r.file().parent_path() / t.data_dir();
    }
    const std::string order = overrides.order.value_or(c.data().order());
    if (!order.empty())
      task.order = choose(r, overrides.order ? "data.order (overridden)" : "data.order", order, kOrders);
    layout.sequence =
        t.has_sequence_steps() ? r.integer(t.sequence_steps(), "task.sequence_steps", 2, kMaxTaskSteps) : 300;
    layout.learning_window = 10;
    if (kind == TaskKind::event_folder) task.sensor = read_sensor(r, c.data(), layout.sequence, net);
    task.streamed = overrides.streamed;
  }
  if (t.has_learning_window_steps())
    layout.learning_window = r.integer(t.learning_window_steps(), "task.learning_window_steps", 1, layout.sequence);
  r.expect(layout.learning_window <= layout.sequence, "task.learning_window_steps",
           "at most the sequence of " + std::to_string(layout.sequence) + " steps",
           static_cast<double>(layout.learning_window));
  if (t.has_target_value()) layout.target_value = t.target_value();
  r.expect(std::isfinite(layout.target_value), "task.target_value", "finite", layout.target_value);
  if (t.has_final_update_spike()) layout.final_update_spike = t.final_update_spike();
  layout.group_size =
      c.training().has_group_size() ? r.integer(c.training().group_size(), "training.group_size", 1, kMaxTaskSteps) : 1;
  task.test_samples = t.has_test_samples() ? r.integer(t.test_samples(), "task.test_samples", 0, kMaxTaskSteps) : 1000;
  return task;
}

}  // namespace

std::int64_t read_iterations(const Reporter& r, const pb::TrainingConfig& c, const ConfigOverrides& overrides) {
  const pb::Training& t = c.training();
  if (overrides.iterations)
    return r.integer(*overrides.iterations, "training.iterations (overridden)", 1, kMaxTaskSteps);
  return r.integer(t.iterations(), "training.iterations", 1, kMaxTaskSteps);
}

void read_task(const Reporter& r, const pb::TrainingConfig& c, std::int64_t iterations,
               const ConfigOverrides& overrides, TrainingSetup& s,
               const std::function<void(const SampleSize&)>& check_memory) {
  NetworkDescription& net = s.network;
  const TaskKind kind = choose(r, "task.kind", c.task().kind(), kTaskKinds);
  refuse_other_kinds_fields(r, c.task(), kind);
  s.task = name_of(kind, kTaskKinds);
  if (kind != TaskKind::event_folder && c.data().has_sensor())
    r.fail("data.sensor", "applies only to the event_folder task, not " + s.task);
  if (kind != TaskKind::nmnist && kind != TaskKind::event_folder) {  // the settings of a labelled folder
    const std::string why = "applies only to a task that reads a labelled folder (nmnist, event_folder), not " + s.task;
    if (!c.data().order().empty()) r.fail("data.order", why);
    if (overrides.order) r.fail("data.order (overridden)", why);
    if (overrides.data_dir) r.fail("task.data_dir (overridden)", why);
    if (overrides.epochs) r.fail("epochs (overridden)", why + ": give iterations");
  }
  if (overrides.epochs && overrides.iterations)
    r.fail("epochs (overridden)", "give either iterations or epochs, not both");
  s.data_dir_override = overrides.data_dir;
  s.order_override = overrides.order;
  TaskTiming timing;
  if (kind == TaskKind::sine_wave) {
    if (s.evaluate_every > 0) r.fail("training.evaluate_every", "the sine_wave task has no held-out set");
    timing = lay_out_sine_wave(r, c, iterations, s.seed, net, check_memory);
  } else {
    s.classification = read_classification(r, c, kind, s.seed, overrides, net);
    const SampleLayout& layout = s.classification->layout;
    if (overrides.epochs) {  // passes over the training split, in whole groups
      const std::int64_t epochs = r.integer(*overrides.epochs, "epochs (overridden)", 1, kMaxTaskSteps);
      const std::int64_t split = training_split_size(*s.classification);
      if (epochs > kMaxRunSteps / split) r.fail("epochs (overridden)", "too many samples");
      iterations = (epochs * split + layout.group_size - 1) / layout.group_size;
    }
    check_task_steps(r, layout.sequence, iterations * layout.group_size);
    SampleSize sample{layout.sequence, "task.sequence_steps", 0.0, "", false};
    const std::int64_t held_out =
        s.classification->test_samples > 0 ? held_out_group(s.classification->test_samples) : 0;
    sample.samples_held = std::max(layout.group_size, held_out);
    if (held_out > layout.group_size)
      sample.samples_held_field = "task.test_samples (in iterations of up to " + std::to_string(kHeldOutGroupMax) + ")";
    if (kind == TaskKind::evidence_accumulation) {  // an event file's size is its own (its reader checks it)
      sample.sequence_field =
          "task.cues × (task.cue_steps + task.spacing_steps) + task.delay_steps + task.recall_steps";
      sample.input_spikes =
          static_cast<double>(layout.sequence) * net.n_in * s.classification->evidence.spike_probability;
      sample.input_spike_field = "(" + sample.sequence_field + ") × task.spike_probability";
      check_sample_size(r, sample.input_spikes, "the task's phase lengths, task.spike_probability or the input size");
    }
    check_memory(sample);
    try {
      timing = lay_out_training(net, *s.classification, iterations);
    } catch (const std::invalid_argument& e) {  // data file errors pass through: they name their file
      r.fail("task", e.what());
    }
  }
  s.accuracy_window = timing.accuracy_window;
  s.n_steps = timing.n_steps;
  s.loss = timing.loss;
}

}  // namespace eligo::config_loading
