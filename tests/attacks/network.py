# attack: reach the network: the grading host's listener (TCP and UDP) on every address it may have, DNS, the Docker socket, the zygote's control socket
# expect: full
import glob
import os
import socket

_tries = {}
_hosts = ["127.0.0.1", "172.17.0.1", "10.0.2.2", "1.1.1.1", "169.254.169.254"]
try:
    _hosts += sorted({a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)})
except OSError:
    pass
for _host in _hosts:
    try:
        socket.create_connection((_host, @PORT@), timeout=1).close()
        print("ATTACK-BREACH tcp", _host, flush=True)
    except OSError as e:
        _tries[f"tcp {_host}"] = type(e).__name__
    try:
        _u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        _u.sendto(b"ag-attack", (_host, @PORT@))
        _u.close()
        _tries[f"udp {_host}"] = "sent (nobody may receive it)"
    except OSError as e:
        _tries[f"udp {_host}"] = type(e).__name__
try:
    socket.getaddrinfo("pypi.org", 443)
    print("ATTACK-BREACH dns resolved", flush=True)
except OSError as e:
    _tries["dns"] = type(e).__name__
for _path in ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock",
              *glob.glob("/tmp/ag-*/*.sock"), *glob.glob("/run/autograder/*")]:
    _s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        _s.connect(_path)
        if "docker" in _path or "containerd" in _path:
            print("ATTACK-BREACH connected to", _path, flush=True)
        _tries[_path] = "connected"
    except OSError as e:
        _tries[_path] = type(e).__name__
    finally:
        _s.close()
print("network:", _tries, "pid", os.getpid())
