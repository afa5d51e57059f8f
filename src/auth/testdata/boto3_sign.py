#!/usr/bin/env python3
"""Signs a set of requests with botocore's own SigV4 signer, for auth's end-to-end test.

usage: boto3_sign.py <credentials file> <output json>
The access key is read from the credentials file through botocore's normal credential chain
(AWS_SHARED_CREDENTIALS_FILE, profile "default"), so the file format is checked too.
Each output entry holds what a server would receive plus the verdict the verifier must reach.
Exits 77 when botocore is not importable (the C++ test then skips).
"""
import base64
import json
import os
import sys
from urllib.parse import urlsplit

try:
    import botocore.session
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.exit(77)

creds_file, out_path = sys.argv[1], sys.argv[2]
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = creds_file
os.environ.pop('AWS_ACCESS_KEY_ID', None)
os.environ.pop('AWS_SECRET_ACCESS_KEY', None)
os.environ.pop('AWS_SESSION_TOKEN', None)
os.environ.pop('AWS_PROFILE', None)
creds = botocore.session.Session().get_credentials()
if creds is None:
    print('botocore found no credentials in', creds_file, file=sys.stderr)
    sys.exit(1)
creds = creds.get_frozen_credentials()
good = Credentials(creds.access_key, creds.secret_key)
# The real secret with its last character changed (to one it cannot already be).
wrong_secret = creds.secret_key[:-1] + ('x' if creds.secret_key[-1] != 'x' else 'y')
ECR_JSON = 'application/x-amz-json-1.1'


def sign(label, service, method, url, headers, body, credentials=good, expect='ok', tamper=None):
    req = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(credentials, service, 'us-east-1').add_auth(req)
    parts = urlsplit(url)
    sent = [('Host', parts.netloc)] + list(req.headers.items())
    if tamper:
        body, sent = tamper(body, sent)
    return {'label': label, 'service': service, 'method': method, 'path': parts.path,
            'query': parts.query, 'headers': sent,
            'body_b64': base64.b64encode(body).decode(), 'expect': expect}


cases = [
    sign('ecr create-repository', 'ecr', 'POST', 'http://127.0.0.1:18733/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.CreateRepository',
          'Content-Type': ECR_JSON}, b'{"repositoryName": "e2e/app"}'),
    sign('inspector2 list-tags (encoded ARN in path)', 'inspector2', 'GET',
         'http://127.0.0.1:18733/tags/arn%3Aaws%3Ainspector2%3Aus-east-1%3A123456789012%3Aowner'
         '%2F123456789012%2Ffilter%2Fabc', {}, b''),
    sign('inspector2 untag (repeated, encoded, non-ASCII query values)', 'inspector2', 'DELETE',
         'http://127.0.0.1:18733/tags/arn%3Aaws%3Ainspector2%3Aus-east-1%3A1%3Aowner%2F1'
         '?tagKeys=k%201&tagKeys=a%3Db&tagKeys=%E2%9C%93&tagKeys=k%2F2', {}, b''),
    sign('inspector2 list-findings, extra header with odd spacing', 'inspector2', 'POST',
         'http://localhost:8080/findings/list',
         {'Content-Type': 'application/json', 'X-Custom': '  spaced    out  value '},
         json.dumps({'maxResults': 5, 'filterCriteria': {'title': [{'comparison': 'PREFIX',
                                                                     'value': 'CVE-\u2603'}]}},
                    ensure_ascii=False).encode()),
    sign('ecr put-image, 64 KiB body, IPv6 host', 'ecr', 'POST', 'http://[::1]:5000/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.PutImage', 'Content-Type': ECR_JSON},
         json.dumps({'imageManifest': 'x' * 65536}).encode()),
    sign('wrong secret', 'ecr', 'POST', 'http://127.0.0.1:18733/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.ListImages', 'Content-Type': ECR_JSON},
         b'{}', credentials=Credentials(creds.access_key, wrong_secret),
         expect='InvalidSignatureException'),
    sign('unknown key', 'ecr', 'POST', 'http://127.0.0.1:18733/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.ListImages', 'Content-Type': ECR_JSON},
         b'{}', credentials=Credentials('AKIAUNKNOWNUNKNOWN00', creds.secret_key),
         expect='UnrecognizedClientException'),
    sign('session token', 'ecr', 'POST', 'http://127.0.0.1:18733/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.ListImages', 'Content-Type': ECR_JSON},
         b'{}', credentials=Credentials(creds.access_key, creds.secret_key, 'FQoGZXIvYXdzEXAMPLE'),
         expect='UnrecognizedClientException'),
    sign('tampered body after signing', 'inspector2', 'POST', 'http://127.0.0.1:18733/filters/delete',
         {'Content-Type': 'application/json'}, b'{"arn": "a"}',
         tamper=lambda body, h: (b'{"arn": "b"}', h), expect='InvalidSignatureException'),
    sign('tampered signed header after signing', 'ecr', 'POST', 'http://127.0.0.1:18733/',
         {'X-Amz-Target': 'AmazonEC2ContainerRegistry_V20150921.ListImages', 'Content-Type': ECR_JSON},
         b'{}', tamper=lambda body, h: (body, [(k, v.replace('ListImages', 'DeleteRepository'))
                                               for k, v in h]),
         expect='InvalidSignatureException'),
    sign('signed for ecr, sent to inspector2', 'ecr', 'POST', 'http://127.0.0.1:18733/findings/list',
         {'Content-Type': 'application/json'}, b'{}', expect='InvalidSignatureException'),
]
# The last case is verified as an Inspector2 request.
cases[-1]['service'] = 'inspector2'
with open(out_path, 'w') as f:
    json.dump(cases, f, ensure_ascii=True, indent=1)
