# Fuzz targets for the version schemes and the OSV evaluator (seed corpora in corpus/).
surveyor_fuzzer(versions_parse_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/versions_parse_fuzzer.cc versions)
surveyor_fuzzer(versions_osv_fuzzer ${CMAKE_CURRENT_SOURCE_DIR}/versions_osv_fuzzer.cc versions)
