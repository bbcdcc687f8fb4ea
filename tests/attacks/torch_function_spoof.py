# attack: a tensor subclass whose __torch_function__ answers every comparison with True and every op with itself
# expect: fails masked_mean
# says: subclass
import torch


class AlwaysRight(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in ("allclose", "equal", "__eq__", "eq", "isclose"):
            return True
        if name in ("sub", "__sub__", "abs", "max", "amax"):
            return torch.zeros(())
        return super().__torch_function__(func, types, args, kwargs or {})

    def __reduce_ex__(self, proto):
        # Pickled on the grader, this would run code there.
        import os
        return (os.system, ("touch /tmp/ag-attack-torch-function",))


def masked_mean(x, lengths):
    return torch.zeros(x.shape[0], x.shape[2], dtype=x.dtype, device=x.device).as_subclass(AlwaysRight)
