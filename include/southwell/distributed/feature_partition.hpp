#pragma once
// How the columns of a design are shared among the processes of a distributed solve.
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell::distributed {

/// Splits columns 0..n-1 (n = column_nonzeros.size()) into `parts` contiguous ranges holding
/// nearly equal numbers of nonzeros: the work of a local epoch is proportional to them. Returns
/// parts + 1 boundaries; part k owns [bounds[k], bounds[k+1]), possibly empty when there are
/// fewer columns than parts. Without any nonzero the columns are split evenly by count.
inline std::vector<Index> balanced_column_ranges(const std::vector<long long>& column_nonzeros, int parts) {
  if (parts < 1) throw InvalidArgument("balanced_column_ranges: parts must be >= 1, got " + std::to_string(parts));
  const Index n = Index(column_nonzeros.size());
  long long total = 0;
  for (const long long count : column_nonzeros) {
    if (count < 0) throw InvalidArgument("balanced_column_ranges: a nonzero count is negative");
    total += count;
  }
  std::vector<Index> bounds(std::size_t(parts) + 1, n);
  bounds[0] = 0;
  if (total == 0) {
    for (int k = 1; k < parts; ++k) bounds[std::size_t(k)] = n * k / parts;
    return bounds;
  }
  // Boundary k is the first column whose preceding nonzeros reach k/parts of the total, moved one
  // column back when that lands closer to the target.
  long long before = 0;
  Index column = 0;
  for (int k = 1; k < parts; ++k) {
    const double target = double(total) * k / parts;
    while (column < n && double(before) < target) before += column_nonzeros[std::size_t(column++)];
    if (column > bounds[std::size_t(k) - 1] && column > 0 &&
        target - double(before - column_nonzeros[std::size_t(column) - 1]) < double(before) - target) {
      --column;
      before -= column_nonzeros[std::size_t(column)];
    }
    bounds[std::size_t(k)] = column;
  }
  return bounds;
}

}  // namespace southwell::distributed
