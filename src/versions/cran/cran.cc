// Key layout (memcmp): each component 0x01 + number, closed by 0x00.
#include "versions/cran/cran.h"

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

constexpr std::string_view kName = "cran";

class Cran final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(kName, text));
    std::string_view s = internal::TrimBlanks(text);
    std::string key;
    size_t i = 0;
    size_t components = 0;
    while (true) {
      size_t start = i;
      while (i < s.size() && internal::IsDigit(s[i])) ++i;
      if (i == start) return internal::Invalid(kName, text, "expected a number");
      key.push_back(0x01);
      internal::AppendNumber(key, s.substr(start, i - start));
      ++components;
      if (i == s.size()) break;
      if (s[i] != '.' && s[i] != '-') {
        return internal::Invalid(kName, text, "components must be separated by '.' or '-'");
      }
      ++i;
    }
    if (components < 2) return internal::Invalid(kName, text, "needs at least two components");
    key.push_back(0x00);
    return Version(this, std::string(text), std::move(key));
  }
};

}  // namespace

const Scheme& CranScheme() {
  static const Cran kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
