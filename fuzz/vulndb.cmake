# libFuzzer targets for the vulndb parsers (one per importer format, plus CVSS and constraints).
foreach(target osv_json osv_yaml debian alpine rubysec friendsofphp nodejs nvd epss kev cvss constraints
    json_stream zip)
  surveyor_fuzzer(vulndb_${target}_fuzzer ${CMAKE_CURRENT_LIST_DIR}/vulndb_${target}.cc vulndb)
endforeach()
