# Finding-to-webhook latency and a 100,000-event burst through the outbox and dispatcher.
add_executable(events_delivery_bench ${CMAKE_CURRENT_LIST_DIR}/events_delivery_bench.cc)
target_link_libraries(events_delivery_bench PRIVATE events_outbox http)
