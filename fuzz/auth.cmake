# auth/: SigV4 request parsing and verification, repository policies, registry tokens.
surveyor_fuzzer(auth_sigv4_fuzz auth_sigv4_fuzz.cc auth)
surveyor_fuzzer(auth_policy_fuzz auth_policy_fuzz.cc auth)
surveyor_fuzzer(auth_token_fuzz auth_token_fuzz.cc auth)
