# The SNS query-protocol form decoder of src/api/events (seed corpus in corpus/events_form_fuzzer/).
surveyor_fuzzer(events_form_fuzzer ${CMAKE_CURRENT_LIST_DIR}/events_form_fuzzer.cc api_events)
