# attack: leave a key in the kernel's per-user keyring (it outlives the process, shared by every process of the uid) and look for one an earlier worker left
# expect: full
import ctypes
import ctypes.util
import platform

libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
ADD_KEY, KEYCTL = {"x86_64": (248, 250), "aarch64": (217, 219)}.get(platform.machine(), (None, None))
KEY_SPEC_USER_KEYRING = -4
KEYCTL_SEARCH = 10

if ADD_KEY is None:
    print("keyring: unknown architecture, nothing tried")
else:
    found = libc.syscall(KEYCTL, KEYCTL_SEARCH, KEY_SPEC_USER_KEYRING, b"user", b"ag-attack-key", 0)
    if found > 0:
        print("ATTACK-BREACH found a key an earlier submission left:", found, flush=True)
    made = libc.syscall(ADD_KEY, b"user", b"ag-attack-key", b"planted", 7, KEY_SPEC_USER_KEYRING)
    print("keyring: left a key behind" if made > 0 else f"keyring: refused (errno {ctypes.get_errno()})")
