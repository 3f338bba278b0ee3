"""Serve this project on a free loopback port: prints ``port <n>`` once it listens.

A threaded wsgiref server (the standard library's), so the test needs no other server; it runs
until it is terminated.
"""

import os
import socketserver
import sys
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "services.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    server = make_server(
        "127.0.0.1", 0, application, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(f"port {server.server_port}", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
