# Fuzz target for issue 6's small parsers: the rescan-duration policy and suppression rules
# (filter criteria compiled to SQL and run). Seeds: fuzz/corpus/scan_rules_fuzz/.
surveyor_fuzzer(scan_rules_fuzz ${CMAKE_CURRENT_LIST_DIR}/scan_rules_fuzz.cc scan findings)

# Stored inventories and queued jobs' package lists, read back by re-evaluation (the database
# can be edited by hand or damaged). Seeds: fuzz/corpus/scan_stored_fuzz/.
surveyor_fuzzer(scan_stored_fuzz ${CMAKE_CURRENT_LIST_DIR}/scan_stored_fuzz.cc scan)
