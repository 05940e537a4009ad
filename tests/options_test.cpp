#include <gtest/gtest.h>
#include "southwell/core/options.hpp"
#include "southwell/core/errors.hpp"
TEST(Options, Placeholder) { EXPECT_THROW(southwell::parse_selection_rule("nope"), southwell::InvalidArgument); }
