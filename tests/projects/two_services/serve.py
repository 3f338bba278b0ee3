"""Serve this project on a free loopback port: prints ``port <n>`` once it listens.

A threaded wsgiref server (the standard library's), so the test needs no other server; it runs
until it is terminated. With ``CLOCK_FILE``, each request runs at the time (a POSIX timestamp)
written in that file, with the clock stopped (time-machine), one request at a time: how the test
lets time pass in its servers without waiting, and keeps it from passing while the machine is
slow.
"""

import os
import socketserver
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def moved_clock(application, clock_file):
    import time_machine

    lock = threading.Lock()

    def app(environ, start_response):
        with lock:
            moment = float(clock_file.read_text())
            with time_machine.travel(moment, tick=False):
                # The whole response inside the moved clock (Django's may be lazy).
                return list(application(environ, start_response))

    return app


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "services.settings")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if os.environ.get("CLOCK_FILE"):
        application = moved_clock(application, Path(os.environ["CLOCK_FILE"]))
    server = make_server(
        "127.0.0.1", 0, application, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    print(f"port {server.server_port}", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
