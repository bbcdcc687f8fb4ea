# exercise: to_numpy
# approach: the library's own escape hatch, Tensor.numpy(force=True) (detaches, moves to the CPU, copies)
def to_numpy(t):
    return t.numpy(force=True)
