// Stage 1 of the config loader (runtime/config/config_document.*): YAML's unquoted scalars as the
// YAML 1.2 core schema reads them, matched by hand (no std::regex, which made an alias-expanded
// document of many values take seconds).
#include <catch2/catch.hpp>
#include <string>

#include "runtime/config/config_document.hpp"

namespace {

using eligo::config_loading::parse_document;
using eligo::config_loading::Reporter;
using nlohmann::json;

json value_of(const std::string& scalar) {
  const Reporter r("scalars.yaml");
  return parse_document("x: " + scalar + "\n", r).at("x");
}

}  // namespace

TEST_CASE("unquoted YAML scalars: booleans, integers, floats, infinities and NaN, else strings", "[config]") {
  CHECK(value_of("true") == json(true));
  CHECK(value_of("FALSE") == json(false));
  CHECK(value_of("tRue") == json("tRue"));
  CHECK(value_of("42") == json(42));
  CHECK(value_of("+42") == json(42));
  CHECK(value_of("-7") == json(-7));
  CHECK(value_of("18446744073709551615") == json(18446744073709551615ull));
  for (const char* x : {"1.5", "1.", ".5", "-.5", "1e3", "1E+3", "2.5e-3", "+1.0"}) {
    INFO(x);
    REQUIRE(value_of(x).is_number_float());
    CHECK(value_of(x).get<double>() == std::stod(x));
  }
  CHECK(value_of(".inf") == json("Infinity"));
  CHECK(value_of("-.Inf") == json("-Infinity"));
  CHECK(value_of("+.INF") == json("Infinity"));
  CHECK(value_of(".NaN") == json("NaN"));
  for (const char* x : {"1e", "e5", ".", "+", "1.2.3", "1e5.0", "0x10", "1_000", ".infinity", "-.nan", "12a"}) {
    INFO(x);
    CHECK(value_of(x) == json(x));
  }
}

TEST_CASE("a YAML alias inside its own anchor, or deep nesting, is refused, not followed", "[config]") {
  const Reporter r("deep.yaml");
  CHECK_THROWS_WITH(parse_document("a: &a [1, *a]\n", r), Catch::Contains("nests deeper than 64 levels"));
  CHECK_THROWS_WITH(parse_document("a: " + std::string(100, '[') + std::string(100, ']') + "\n", r),
                    Catch::Contains("deep.yaml"));
  CHECK_NOTHROW(parse_document("a: " + std::string(20, '[') + std::string(20, ']') + "\n", r));
}
