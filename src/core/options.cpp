#include "southwell/core/options.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "southwell/core/errors.hpp"

namespace southwell {
namespace {

constexpr std::pair<PartitionRule, std::string_view> kPartitions[] = {
    {PartitionRule::Order, "order"},   {PartitionRule::Sorted, "sorted"}, {PartitionRule::Average, "avg"},
    {PartitionRule::Random, "random"}, {PartitionRule::User, "user"},     {PartitionRule::Variable, "variable"},
    {PartitionRule::RedBlack, "red-black"}, {PartitionRule::TreePartition, "tree-partition"},
    {PartitionRule::GreedyTree, "greedy-tree"}, {PartitionRule::RandomTree, "random-tree"},
    {PartitionRule::General, "general"},
};
constexpr std::pair<SelectionRule, std::string_view> kSelections[] = {
    {SelectionRule::Cyclic, "cyclic"}, {SelectionRule::Random, "random"}, {SelectionRule::Lipschitz, "lipschitz"},
    {SelectionRule::GS, "gs"},         {SelectionRule::GSL, "gsl"},       {SelectionRule::GSD, "gsd"},
    {SelectionRule::GSQ, "gsq"},       {SelectionRule::GSS, "gs-s"},     {SelectionRule::GSR, "gs-r"},
    {SelectionRule::GSQP, "gs-q"},     {SelectionRule::GSLR, "gsl-r"},   {SelectionRule::GSLQ, "gsl-q"},
};
constexpr std::pair<UpdateRule, std::string_view> kUpdates[] = {
    {UpdateRule::Gradient, "gradient"}, {UpdateRule::Adaptive, "adaptive"}, {UpdateRule::Matrix, "matrix"},
    {UpdateRule::Newton, "newton"},     {UpdateRule::Exact, "exact"},
    {UpdateRule::ProxGradient, "prox-gradient"}, {UpdateRule::ProxNewton, "prox-newton"},
    {UpdateRule::TwoMetric, "two-metric"},
};
constexpr std::pair<ForestOrder, std::string_view> kForestOrders[] = {
    {ForestOrder::Lipschitz, "lipschitz"},
    {ForestOrder::Natural, "natural"},
};
constexpr std::pair<Certificate, std::string_view> kCertificates[] = {
    {Certificate::Kkt, "kkt"},
    {Certificate::DualityGap, "gap"},
};
constexpr std::pair<GreedyNorm, std::string_view> kNorms[] = {
    {GreedyNorm::Squared, "squared"},
    {GreedyNorm::L1, "l1"},
};
constexpr std::pair<IhtVariant, std::string_view> kIhtVariants[] = {
    {IhtVariant::Plain, "plain"},
    {IhtVariant::Scaled, "scaled"},
};

template <class Enum, std::size_t N>
std::string_view name_of(const std::pair<Enum, std::string_view> (&table)[N], Enum value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <class Enum, std::size_t N>
Enum parse(const std::pair<Enum, std::string_view> (&table)[N], std::string_view name, const char* what) {
  for (const auto& [v, known] : table)
    if (known == name) return v;
  std::string valid;
  for (const auto& [v, known] : table) valid += (valid.empty() ? "" : ", ") + std::string(known);
  throw InvalidArgument("unknown " + std::string(what) + " '" + std::string(name) + "'; valid names: " + valid);
}

template <class Enum, std::size_t N>
std::vector<std::string_view> names(const std::pair<Enum, std::string_view> (&table)[N]) {
  std::vector<std::string_view> out;
  for (const auto& entry : table) out.push_back(entry.second);
  return out;
}

void require(bool ok, const std::string& message) {
  if (!ok) throw InvalidArgument("SolverOptions::" + message);
}

}  // namespace

bool is_proximal(SelectionRule rule) {
  return rule == SelectionRule::GSS || rule == SelectionRule::GSR || rule == SelectionRule::GSQP ||
         rule == SelectionRule::GSLR || rule == SelectionRule::GSLQ;
}
bool is_proximal(UpdateRule rule) {
  return rule == UpdateRule::ProxGradient || rule == UpdateRule::ProxNewton || rule == UpdateRule::TwoMetric;
}

Index general_block_size(Index n) {
  Index root = std::max<Index>(1, Index(std::cbrt(double(n))));
  while (root > 1 && root * root * root > n) --root;  // cbrt may round up at exact cubes
  while ((root + 1) * (root + 1) * (root + 1) <= n) ++root;
  return root;
}

std::string_view to_string(PartitionRule rule) { return name_of(kPartitions, rule); }
std::string_view to_string(SelectionRule rule) { return name_of(kSelections, rule); }
std::string_view to_string(UpdateRule rule) { return name_of(kUpdates, rule); }
std::string_view to_string(GreedyNorm norm) { return name_of(kNorms, norm); }

std::string_view to_string(ForestOrder order) { return name_of(kForestOrders, order); }
ForestOrder parse_forest_order(std::string_view name) { return parse(kForestOrders, name, "forest order"); }
std::string_view to_string(Certificate certificate) { return name_of(kCertificates, certificate); }
Certificate parse_certificate(std::string_view name) { return parse(kCertificates, name, "certificate"); }
PartitionRule parse_partition_rule(std::string_view name) { return parse(kPartitions, name, "partition"); }
SelectionRule parse_selection_rule(std::string_view name) { return parse(kSelections, name, "selection rule"); }
UpdateRule parse_update_rule(std::string_view name) { return parse(kUpdates, name, "update rule"); }
GreedyNorm parse_greedy_norm(std::string_view name) { return parse(kNorms, name, "greedy norm"); }
std::string_view to_string(IhtVariant variant) { return name_of(kIhtVariants, variant); }
IhtVariant parse_iht_variant(std::string_view name) { return parse(kIhtVariants, name, "IHT variant"); }

std::vector<std::string_view> partition_rule_names() { return names(kPartitions); }
std::vector<std::string_view> selection_rule_names() { return names(kSelections); }
std::vector<std::string_view> update_rule_names() { return names(kUpdates); }

void SolverOptions::validate() const {
  require(block_size >= 1, "block_size must be >= 1 (got " + std::to_string(block_size) + ")");
  require(max_iterations >= 0, "max_iterations must be >= 0 (got " + std::to_string(max_iterations) + ")");
  require(tol >= 0 && std::isfinite(tol), "tol must be finite and >= 0 (got " + std::to_string(tol) + ")");
  require(!optimal_value || std::isfinite(*optimal_value), "optimal_value must be finite");
  require(check_every >= 0, "check_every must be >= 0 (got " + std::to_string(check_every) + ")");
  require(time_limit_seconds > 0, "time_limit_seconds must be > 0 (got " + std::to_string(time_limit_seconds) + ")");
  require(relaxation >= 0 && relaxation < 2,
          "relaxation must lie in (0, 2), or be 0 for automatic (got " + std::to_string(relaxation) + ")");
  require(relaxation == 1 || update == UpdateRule::Exact,
          "relaxation applies to update 'exact' only (got update '" + std::string(to_string(update)) + "')");
  require(callback_every >= 1, "callback_every must be >= 1 (got " + std::to_string(callback_every) + ")");
  require(partition != PartitionRule::User || !user_blocks.empty(),
          "user_blocks must be given when partition is 'user'");
  require(partition == PartitionRule::User || user_blocks.empty(),
          "user_blocks is set but partition is '" + std::string(to_string(partition)) + "', not 'user'");
}

}  // namespace southwell
