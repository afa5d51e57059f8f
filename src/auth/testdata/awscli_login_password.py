#!/usr/bin/env python3
"""Runs the installed awscli's own `ecr get-login-password` code on a given authorizationToken
(the GetAuthorizationToken call is replaced by a stub that returns it) and prints what the CLI
would print. usage: awscli_login_password.py <authorizationToken>. Exits 77 without awscli."""
import sys

try:
    import awscli.customizations.ecr as ecr
except ImportError:
    sys.exit(77)


class StubClient:
    def get_authorization_token(self):
        return {'authorizationData': [{'authorizationToken': sys.argv[1],
                                       'expiresAt': 0, 'proxyEndpoint': 'http://127.0.0.1:5000'}]}


ecr.create_client_from_parsed_globals = lambda *args, **kwargs: StubClient()
command = ecr.ECRGetLoginPassword.__new__(ecr.ECRGetLoginPassword)
command._session = None
sys.exit(command._run_main(None, None))
