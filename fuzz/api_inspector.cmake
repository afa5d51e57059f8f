# api/inspector request parsers: aggregation requests, coverage and resource criteria, S3 destinations.
surveyor_fuzzer(api_inspector_requests_fuzz api_inspector_requests_fuzz.cc api_inspector)
