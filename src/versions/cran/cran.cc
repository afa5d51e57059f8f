// Key layout (memcmp): each component 0x01 + number, closed by 0x00.
#include "versions/cran/cran.h"

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

class NumberList final : public Scheme {
 public:
  NumberList(std::string_view name, bool dash, size_t min_components)
      : name_(name), dash_(dash), min_components_(min_components) {}
  std::string_view Name() const override { return name_; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(name_, text));
    std::string_view s = internal::TrimBlanks(text);
    std::string key;
    size_t i = 0;
    size_t components = 0;
    while (true) {
      size_t start = i;
      while (i < s.size() && internal::IsDigit(s[i])) ++i;
      if (i == start) return internal::Invalid(name_, text, "expected a number");
      key.push_back(0x01);
      internal::AppendNumber(key, s.substr(start, i - start));
      ++components;
      if (i == s.size()) break;
      if (s[i] != '.' && !(dash_ && s[i] == '-')) {
        return internal::Invalid(name_, text, dash_ ? "components must be separated by '.' or '-'"
                                                    : "components must be separated by '.'");
      }
      ++i;
    }
    if (components < min_components_) {
      return internal::Invalid(name_, text, "needs at least two components");
    }
    key.push_back(0x00);
    return Version(this, std::string(text), std::move(key));
  }

 private:
  std::string_view name_;
  bool dash_;
  size_t min_components_;
};

}  // namespace

const Scheme& CranScheme() {
  static const NumberList kScheme("cran", true, 2);
  return kScheme;
}

const Scheme& HackageScheme() {
  static const NumberList kScheme("hackage", false, 1);
  return kScheme;
}

}  // namespace surveyor::versions
