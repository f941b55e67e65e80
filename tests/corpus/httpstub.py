#!/usr/bin/env python3
"""Answers every HTTP request with one status (used by capture.sh to make go fail for real).

Usage: httpstub.py STATUS PORTFILE [--auth] [--tls CERT KEY]
Writes the port it listens on to PORTFILE, then serves until killed.
--auth adds `WWW-Authenticate: Basic realm="private"` (git then asks for a user name).
"""
import http.server
import ssl
import sys

status = int(sys.argv[1])
portfile = sys.argv[2]
auth = "--auth" in sys.argv
tls = None
if "--tls" in sys.argv:
    i = sys.argv.index("--tls")
    tls = (sys.argv[i + 1], sys.argv[i + 2])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"{status} stub\n".encode()
        self.send_response(status)
        if auth:
            self.send_header("WWW-Authenticate", 'Basic realm="private"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
