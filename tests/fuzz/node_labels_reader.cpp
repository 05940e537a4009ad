// Fuzz target: node-label files. Parsed labels come one per node, nodes distinct and >= 0,
// labels non-empty, and a split column either on every line or on none.
#include <set>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  auto in = fuzz::as_stream(data, size);
  try {
    const io::NodeLabels labels = io::read_node_labels(in, "input");
    fuzz::check(!labels.node.empty() && labels.node.size() == labels.label.size(), "one label per node");
    fuzz::check(labels.split.empty() || labels.split.size() == labels.node.size(), "split on every line or none");
    fuzz::check(std::set<Index>(labels.node.begin(), labels.node.end()).size() == labels.node.size(), "distinct nodes");
    for (std::size_t t = 0; t < labels.node.size(); ++t)
      fuzz::check(labels.node[t] >= 0 && !labels.label[t].empty(), "valid node and label");
  } catch (const Error&) {
  }
  return 0;
}
