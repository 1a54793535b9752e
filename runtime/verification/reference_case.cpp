// Loader for NEST reference case files (tests/data/nest/README.md, "Loader checklist", section 6).
//
// The file is parsed with nlohmann::json (its number parser rounds correctly, so every double in the
// file arrives bit for bit) and then decoded field by field. Every problem becomes a CaseFileError that
// names the file and the JSON pointer of the offending field; nothing else escapes. Here the file is
// read and the sections of case_sections.hpp run in order.
#include "runtime/verification/reference_case.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include "runtime/verification/case_reader.hpp"
#include "runtime/verification/case_sections.hpp"

namespace eligo {

namespace {

using namespace case_loading;
namespace fs = std::filesystem;

json parse_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw CaseFileError(file, "", "no such file");
  if (!fs::is_regular_file(file, ec)) throw CaseFileError(file, "", "not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CaseFileError(file, "", std::string("cannot open for reading: ") + std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CaseFileError(file, "", "read error");
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // nlohmann counts the end of input as one more byte; report a position inside the file.
    const std::size_t byte = std::min<std::size_t>(e.byte, text.size());
    throw CaseFileError(
        file, "",
        "malformed JSON at byte " + std::to_string(byte) + " of " + std::to_string(text.size()) + ": " + e.what());
  } catch (const json::exception& e) {  // e.g. a number outside the double range (1e999)
    throw CaseFileError(file, "", std::string("malformed JSON: ") + e.what());
  }
}

ReferenceCase decode(const CaseReader& rd, const json& document) {
  const Field root{document, ""};
  rd.expect_object(root);
  ReferenceCase rc;
  rc.path = rd.file();
  rc.schema_version = static_cast<int>(rd.integer(rd.at(root, "schema_version"), 1, 3));
  rc.name = rd.string(rd.at(root, "name"));

  NetworkDescription& net = rc.network;
  if (rc.schema_version == 3) {
    rd.expect_literal(rd.at(root, "variant"), "bsshslm_2020");
    net.variant = EpropVariant::bsshslm_2020;
  }
  const Field resolution = rd.at(root, "resolution_ms");
  const double h = rd.finite(resolution);
  rd.expect(h > 0.0, resolution.ptr, "> 0", h);
  net.resolution_ms = h;
  rc.n_steps = rd.integer(rd.at(root, "n_steps_simulated"), 1, static_cast<std::int64_t>(kMaxFiniteSteps));
  if (auto sim = rd.find(root, "simulate_ms")) {
    rd.expect(rd.time_step(*sim, h) == rc.n_steps, sim->ptr,
              "n_steps_simulated * resolution_ms = " + show(static_cast<double>(rc.n_steps) * h),
              sim->value.get<double>());
  }

  if (net.variant == EpropVariant::bsshslm_2020) read_bsshslm_settings(rd, root, h, net);
  read_populations(rd, root, h, net);
  net.optimizer = read_optimizer(rd, root);  // before the connections: it bounds the plastic weights
  read_connections(rd, root, h, net);
  read_stimulus(rd, root, h, net);
  read_targets(rd, root, h, net);
  read_loss(rd, root, rc);
  read_final_weights(rd, root, rc);
  return rc;
}

}  // namespace

ReferenceCase load_reference_case(const std::filesystem::path& file) {
  try {
    const CaseReader rd(file);
    return decode(rd, parse_file(file));
  } catch (const CaseFileError&) {
    throw;
  } catch (const std::exception& e) {  // e.g. bad_alloc, or a library error the checks did not foresee
    throw CaseFileError(file, "", std::string("cannot load: ") + e.what());
  }
}

}  // namespace eligo
