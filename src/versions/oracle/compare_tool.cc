// versions_compare_tool SCHEME: reads "A<TAB>B" lines on stdin and prints one of <, =, > or
// "! <error>" per line. With SCHEME "npm-range" the lines are "RANGE<TAB>VERSION" and the output
// is "1 <canonical range>", "0 <canonical range>" or "!" for an invalid range. Used by the
// oracle tests (oracle_test.py) to check many pairs in one process; not installed.
#include <iostream>
#include <string>

#include "versions/npm/range.h"
#include "versions/scheme.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: versions_compare_tool SCHEME < pairs.tsv\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  if (std::string_view(argv[1]) == "npm-range") {
    std::string line;
    while (std::getline(std::cin, line)) {
      size_t tab = line.find('\t');
      if (tab == std::string::npos) {
        std::cout << "! no tab\n";
        continue;
      }
      auto range = surveyor::versions::NpmRange::Parse(std::string_view(line).substr(0, tab));
      if (!range.ok()) {
        std::cout << "!\n";
        continue;
      }
      std::cout << (range->Satisfies(std::string_view(line).substr(tab + 1)) ? "1 " : "0 ")
                << range->ToString() << "\n";
    }
    return 0;
  }
  const surveyor::versions::Scheme* scheme = surveyor::versions::FindScheme(argv[1]);
  if (scheme == nullptr) {
    std::cerr << "unknown scheme " << argv[1] << "\n";
    return 2;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      std::cout << "! no tab\n";
      continue;
    }
    auto c = scheme->CompareText(std::string_view(line).substr(0, tab),
                                 std::string_view(line).substr(tab + 1));
    if (!c.ok()) {
      std::cout << "! " << c.status().message() << "\n";
    } else {
      std::cout << (*c < 0 ? "<" : (*c > 0 ? ">" : "=")) << "\n";
    }
  }
  return 0;
}
