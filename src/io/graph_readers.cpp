#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "parse_util.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::io {
namespace {

long long parse_node(std::string_view token, const std::string& path, long long line, Index max_nodes) {
  const long long id = detail::parse_integer(token, path, line, "node id");
  if (id < 0) detail::fail(path, line, "node id " + std::to_string(id) + " must be >= 0 (ids are 0-based)");
  if (id >= max_nodes)
    detail::fail(path, line, "node id " + std::to_string(id) + " exceeds the limit of " + std::to_string(max_nodes) +
                                 " nodes (ReadLimits::max_dimension)");
  return id;
}

std::string_view trim(std::string_view s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

EdgeList read_edge_list(const std::string& path, Index nodes, const ReadLimits& limits) {
  std::ifstream in = detail::open_or_throw(path);
  return read_edge_list(in, path, nodes, limits);
}

EdgeList read_edge_list(std::istream& in, const std::string& path, Index nodes, const ReadLimits& limits) {
  if (nodes < 0) throw InvalidArgument("read_edge_list: nodes must be >= 0");
  if (nodes > limits.max_dimension)
    throw InvalidArgument("read_edge_list: nodes " + std::to_string(nodes) + " exceeds the limit " +
                          std::to_string(limits.max_dimension) + " (ReadLimits::max_dimension)");
  struct Edge {
    int u, v;
    double w;
    long long line;
  };
  std::vector<Edge> edges;
  std::unordered_map<std::uint64_t, std::size_t> seen;  // (min, max) -> index in edges
  EdgeList result;
  long long largest = -1;
  std::string text;
  for (long long line = 1; std::getline(in, text); ++line) {
    std::string_view rest(text);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    const std::string_view first = detail::next_token(rest);
    if (first.empty()) continue;
    const std::string_view second = detail::next_token(rest);
    if (second.empty()) detail::fail(path, line, "expected 'u v [weight]', got one field");
    const long long u = parse_node(first, path, line, limits.max_dimension),
                    v = parse_node(second, path, line, limits.max_dimension);
    double w = 1;
    if (const std::string_view third = detail::next_token(rest); !third.empty()) {
      w = detail::parse_double(third, path, line, "weight");
      if (!(w > 0)) detail::fail(path, line, "weight " + std::string(third) + " must be > 0");
    }
    if (!detail::next_token(rest).empty()) detail::fail(path, line, "expected 'u v [weight]', got more fields");
    if (nodes > 0 && std::max(u, v) >= nodes)
      detail::fail(path, line, "node id " + std::to_string(std::max(u, v)) + " >= the number of nodes " +
                                   std::to_string(nodes));
    largest = std::max({largest, u, v});
    if (u == v) {
      ++result.self_loops;
      continue;
    }
    const std::uint64_t key = (std::uint64_t(std::min(u, v)) << 32) | std::uint64_t(std::max(u, v));
    const auto [it, inserted] = seen.emplace(key, edges.size());
    if (!inserted) {
      const Edge& earlier = edges[it->second];
      if (earlier.w != w)
        detail::fail(path, line, "edge " + std::to_string(u) + "-" + std::to_string(v) + " was listed on line " +
                                     std::to_string(earlier.line) + " with a different weight");
      continue;
    }
    edges.push_back({int(u), int(v), w, line});
  }
  const Index n = nodes > 0 ? nodes : Index(largest + 1);
  if (n == 0) throw ParseError(path + ": no edges");
  std::vector<Eigen::Triplet<double, int>> entries;
  entries.reserve(2 * edges.size());
  for (const Edge& e : edges) {
    entries.emplace_back(e.u, e.v, e.w);
    entries.emplace_back(e.v, e.u, e.w);
  }
  result.W.resize(n, n);
  result.W.setFromTriplets(entries.begin(), entries.end());
  result.W.makeCompressed();
  result.edges = Index(edges.size());
  return result;
}

NodeLabels read_node_labels(const std::string& path) {
  std::ifstream in = detail::open_or_throw(path);
  return read_node_labels(in, path);
}

NodeLabels read_node_labels(std::istream& in, const std::string& path) {
  NodeLabels result;
  std::unordered_map<long long, long long> line_of_node;
  std::string text;
  for (long long line = 1; std::getline(in, text); ++line) {
    std::string_view rest = trim(text);
    if (rest.empty() || rest[0] == '#') continue;
    std::vector<std::string_view> fields;
    if (rest.find('\t') != std::string_view::npos) {
      for (std::size_t start = 0;;) {
        const auto tab = rest.find('\t', start);
        fields.push_back(trim(rest.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
        if (tab == std::string_view::npos) break;
        start = tab + 1;
      }
    } else {
      for (std::string_view token; !(token = detail::next_token(rest)).empty();) fields.push_back(token);
    }
    if (fields.size() < 2 || fields.size() > 3)
      detail::fail(path, line, "expected 'node label [split]', got " + std::to_string(fields.size()) + " field(s)");
    const long long node = parse_node(fields[0], path, line, ReadLimits{}.max_dimension);
    if (fields[1].empty()) detail::fail(path, line, "empty label");
    if (const auto [it, inserted] = line_of_node.emplace(node, line); !inserted)
      detail::fail(path, line, "node " + std::to_string(node) + " already labelled on line " + std::to_string(it->second));
    if (fields.size() == 3) {
      if (result.split.size() != result.node.size())
        detail::fail(path, line, "a split column appears after lines without one");
      if (fields[2].empty()) detail::fail(path, line, "empty split");
      result.split.emplace_back(fields[2]);
    } else if (!result.split.empty()) {
      detail::fail(path, line, "missing the split column that earlier lines have");
    }
    result.node.push_back(Index(node));
    result.label.emplace_back(fields[1]);
  }
  if (result.node.empty()) throw ParseError(path + ": no labelled nodes");
  return result;
}

}  // namespace southwell::io
