# attack: allocate memory until something gives, after raising its own limits as far as the kernel lets it
# expect: fails softmax
import resource


def softmax(x, dim=-1):
    for which in (resource.RLIMIT_AS, resource.RLIMIT_DATA, resource.RLIMIT_RSS):
        soft, hard = resource.getrlimit(which)
        try:
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            if hard != resource.RLIM_INFINITY:
                print("ATTACK-BREACH raised a memory limit", which, flush=True)
        except (ValueError, OSError):
            pass
    hoard = []
    while True:
        hoard.append(bytearray(256 * 2**20))  # written: resident, not just reserved
