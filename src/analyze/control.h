// Parsers for the "Key: value" stanza formats shared by several package databases: Debian
// control/status files (RFC 822 style, continuation lines start with a space), Python core
// metadata (email headers; the body after the first blank line is ignored). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace surveyor::analyze {

using Stanza = std::vector<std::pair<std::string, std::string>>;

// Splits `text` into stanzas at blank lines. Keys keep their case; continuation lines are joined
// with "\n". Lines that are neither "Key: value" nor continuations are counted in `bad_lines`.
std::vector<Stanza> ParseStanzas(std::string_view text, size_t* bad_lines = nullptr);
// The first value for `key` (case-insensitive), empty when absent.
std::string_view StanzaGet(const Stanza& s, std::string_view key);
std::string_view Trim(std::string_view s);

}  // namespace surveyor::analyze
