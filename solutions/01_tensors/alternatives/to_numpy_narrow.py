# exercise: to_numpy
# approach: the two obstacles handled one at a time, only when present (GPU: copy to the CPU; requires grad: detach)
def to_numpy(t):
    if t.device.type != "cpu":
        t = t.to("cpu")
    if t.requires_grad:
        t = t.detach()
    return t.numpy()
