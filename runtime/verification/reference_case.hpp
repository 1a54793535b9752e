#pragma once
// Loader for NEST reference case files, schema versions 1, 2 and 3 (tests/data/nest/README.md; v3 is the
// bsshslm_2020 variant).
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/core/file_field_error.hpp"
#include "runtime/losses/loss_window.hpp"
#include "runtime/network/network_description.hpp"

namespace eligo {

// NEST's weights after the run (schema v3 nest_recordings.final_weights), aligned with the blocks' lists.
struct FinalWeights {
  std::vector<double> in_rec, rec_rec, rec_out;
};

struct ReferenceCase {
  std::string name;
  std::filesystem::path path;
  int schema_version = 1;
  NetworkDescription network;
  Step n_steps = 0;  // steps 0 … n_steps−1 are simulated
  LossWindow loss;
  std::vector<double> loss_reference;  // NEST's per-iteration losses
  std::optional<FinalWeights> final_weights;
};

// Every problem with a case file: the message names the file and the field (JSON pointer style,
// e.g. "/populations/rec/params/tau_m") and says what was expected.
class CaseFileError : public FileFieldError {
 public:
  using FileFieldError::FileFieldError;
};

ReferenceCase load_reference_case(const std::filesystem::path& file);

}  // namespace eligo
