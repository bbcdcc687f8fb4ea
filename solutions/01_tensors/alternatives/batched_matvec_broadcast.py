# exercise: batched_matvec
# approach: elementwise product with v broadcast over the rows of A, summed over M (no matmul)
def batched_matvec(A, v):
    return (A * v[:, None, :]).sum(dim=-1)
