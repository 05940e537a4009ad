// Fuzz target: the command line of southwell-solve. The input is split into arguments at
// newlines and NULs; parsing ends in an exit code (help or a flag error) or in solver options
// that pass validate(), else in a southwell::Error. No file is read and nothing is solved.
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "solve_command.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace southwell;
  std::vector<std::string> words{"southwell-solve"};
  std::string word;
  for (std::size_t k = 0; k < size; ++k) {
    const char c = char(data[k]);
    if (c == '\n' || c == '\0') {
      words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  std::vector<const char*> argv;
  for (const auto& w : words) argv.push_back(w.c_str());

  cli::Arguments args;
  std::ostringstream out, err;
  const int exit_code = cli::parse_arguments(int(argv.size()), argv.data(), args, out, err);
  if (exit_code >= 0) {
    fuzz::check(exit_code == 0 || !err.str().empty(), "a flag error says what is wrong");
    return 0;
  }
  try {
    const SolverOptions options = cli::solver_options(args);
    fuzz::check(options.block_size >= 1 && options.tol >= 0, "validated options");
    if (!args.lattice.empty()) {
      const auto [rows, cols] = cli::parse_lattice(args.lattice);
      fuzz::check(rows > 0 && cols > 0, "a positive lattice");
    }
  } catch (const Error&) {
  }
  return 0;
}
