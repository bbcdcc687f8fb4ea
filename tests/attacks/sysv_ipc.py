# attack: leave System V shared memory, message queues and semaphores behind (they outlive processes) for the next submission to find, and look for ones an earlier worker left
# expect: full
import ctypes
import ctypes.util

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
libc.shmat.restype = ctypes.c_void_p
IPC_CREAT, IPC_EXCL = 0o1000, 0o2000
KEY = 0x0A6A77AC  # fixed, so the next submission knows where to look

_found = []
if libc.shmget(KEY, 0, 0) >= 0:
    _found.append("shared memory")
if libc.msgget(KEY, 0) >= 0:
    _found.append("message queue")
if libc.semget(KEY, 0, 0) >= 0:
    _found.append("semaphore")
if _found:
    print("ATTACK-BREACH an earlier submission's IPC objects are here:", _found, flush=True)

_shm = libc.shmget(KEY, 1 << 20, IPC_CREAT | 0o666)
if _shm >= 0:
    _addr = libc.shmat(_shm, None, 0)
    if _addr not in (None, ctypes.c_void_p(-1).value):
        ctypes.memmove(_addr, b"ag-attack planted data", 22)
libc.msgget(KEY, IPC_CREAT | 0o666)
libc.semget(KEY, 1, IPC_CREAT | 0o666)
print("left System V objects behind:", _shm >= 0)
