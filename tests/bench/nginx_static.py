"""nginx_static: nginx serving one answer as a static file, the HTTP floor
of tests/bench/run (issue 13).

Everything nginx writes (configuration, pid file, error log, temporary
directories) stays in the given directory, and it listens on loopback
only.  One worker process, no access log, keep-alive without a request
limit (nginx closes a connection after 1,000 requests by default, which
would make the load generators reconnect), and an open file cache.  For a
small file nginx's default, read and writev, is the fastest: one segment
a response, where sendfile writes the headers and the body apart (and
tcp_nopush adds two setsockopt a request to cork and uncork them); it
cost the least CPU per request of the three here.  The query string is
ignored, as it is for any static file.
"""
import os
from pathlib import Path

CONF = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    keepalive_requests 1000000;
    open_file_cache max=16;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location = {location} {{
            default_type "{content_type}";
        }}
    }}
}}
"""


def configure(nginx, directory, port, location, body, content_type):
    """Writes the configuration and the file that answers GET location;
    returns the command that runs nginx in the foreground."""
    d = Path(directory)
    www = d / 'www'
    www.mkdir(parents=True)
    (www / location.lstrip('/')).write_bytes(body)
    # nginx started by root serves as nobody: let it reach the file.
    for p in (d.parent, d, www):
        os.chmod(p, 0o755 if p != d.parent else 0o711)
    os.chmod(www / location.lstrip('/'), 0o644)
    conf = d / 'nginx.conf'
    conf.write_text(CONF.format(dir=d, port=port, location=location,
                                content_type=content_type))
    return [str(nginx), '-p', str(d), '-c', str(conf),
            '-e', str(d / 'error.log')]
