# Parsers of the registry path: references, digests, manifests.
surveyor_fuzzer(fuzz_oci_reference ${CMAKE_CURRENT_LIST_DIR}/oci_reference_fuzz.cc oci)
surveyor_fuzzer(fuzz_oci_manifest ${CMAKE_CURRENT_LIST_DIR}/oci_manifest_fuzz.cc oci)
surveyor_fuzzer(fuzz_common_digest ${CMAKE_CURRENT_LIST_DIR}/common_digest_fuzz.cc common)
