#pragma once
// Sum of log1p(t) over many t in [-1/2, 1] with one log per kBlock terms instead of one per term.
#include <cmath>

namespace southwell {

/// Accumulates sum_i log1p(t_i) as the log of the product of the (1 + t_i), taken every kBlock
/// factors (each in [1/2, 2], so the product stays within 2^±kBlock). A factor adds at most about
/// an ulp of 1 to the total's error, so a small t, whose 1 + t would round away many of its own
/// digits, goes through log1p's series instead and keeps log1p's relative precision: late in a
/// solve the logistic line search's row changes are all small, and F's differences must still
/// be exact to the rows' rounding. One log per row was a tenth of an l1-logistic solve on a9a.
class Log1pSum {
 public:
  void add(double t) {
    if (std::abs(t) < kSeriesBelow) {
      // The first omitted term, t^7 / 7, is below 2^-62 t.
      series_ += t * (1 - t * (1.0 / 2 - t * (1.0 / 3 - t * (1.0 / 4 - t * (1.0 / 5 - t * (1.0 / 6))))));
      return;
    }
    product_ *= 1 + t;
    if (++factors_ == kBlock) {
      logs_ += std::log(product_);
      product_ = 1;
      factors_ = 0;
    }
  }
  double total() const { return logs_ + std::log(product_) + series_; }

 private:
  static constexpr double kSeriesBelow = 1.0 / (1 << 10);
  static constexpr int kBlock = 512;
  double product_ = 1, logs_ = 0, series_ = 0;
  int factors_ = 0;
};

}  // namespace southwell
