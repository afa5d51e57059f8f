# Fuzz target for issue 6's small parsers: the rescan-duration policy and suppression rules
# (filter criteria compiled to SQL and run). Seeds: fuzz/corpus/scan_rules_fuzz/.
surveyor_fuzzer(scan_rules_fuzz ${CMAKE_CURRENT_LIST_DIR}/scan_rules_fuzz.cc scan findings)
