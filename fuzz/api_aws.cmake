# api/aws, api/ecr, api/inspector, registry scanning rules: request-shaped JSON and /v2 paths.
surveyor_fuzzer(api_aws_input_fuzz api_aws_input_fuzz.cc api_aws api_inspector registry)
