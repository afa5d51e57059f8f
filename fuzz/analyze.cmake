# Fuzz targets for the image reader and the analyzers (issue 5). Seeds: fuzz/corpus/<target>/.
foreach(t dpkg apk os_release npm python golang java rpm rust ruby php dotnet layer)
  surveyor_fuzzer(fuzz_analyze_${t} ${CMAKE_CURRENT_LIST_DIR}/analyze_${t}.cc analyze image)
  target_include_directories(fuzz_analyze_${t} PRIVATE ${PROJECT_SOURCE_DIR})
endforeach()
