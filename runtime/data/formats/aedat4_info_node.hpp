#pragma once
// The streams an AEDAT 4 header's infoNode describes. The infoNode is a small XML document written by
// iniVation's recorders:
//   <dv version="2.0"><node name="outInfo" ...>
//     <node name="0" ...><attr key="typeIdentifier" type="string">EVTS</attr>
//       <node name="info" ...><attr key="sizeX" type="int">320</attr><attr key="sizeY" ...>240</attr>
// one numbered node per stream (its name is the stream id that the packets carry). Only these few
// attributes are needed, so this reads tags and text in one forward pass rather than pulling in an
// XML library; it never fails, it returns what it recognised.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eligo {

struct Aedat4Stream {
  std::int32_t id = 0;
  std::string type;    // typeIdentifier: "EVTS" (polarity events), "IMUS", "TRIG", "FRME", ...
  std::string size_x;  // sizeX and sizeY of the stream's info node as written ("" when absent);
  std::string size_y;  // the reader decides what a valid size is
};

// In the order the streams first appear.
std::vector<Aedat4Stream> parse_aedat4_streams(std::string_view info_node);

}  // namespace eligo
