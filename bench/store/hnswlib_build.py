"""hnswlib, the usual library's HNSW build, as the peer of `imgsearch build` (bench/store/build.sh).

Reads DIR/vectors.f32 (MakeEmbeddings), builds an HNSW index (cosine, M 16, ef_construction 100) on THREADS threads,
then, as `imgsearch validate` does, searches 200 sampled stored vectors one query at a time (ef 100, the Lucene
store's default candidates) and compares their top 10 with exact cosine. Prints one line of figures.
Usage: /usr/bin/python3 bench/store/hnswlib_build.py DIR DIM THREADS
"""
import sys
import time

import hnswlib
import numpy as np

folder, dim, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.fromfile(f"{folder}/vectors.f32", dtype="<f4").reshape(-1, dim)
n = len(data)

start = time.perf_counter()
index = hnswlib.Index(space="cosine", dim=dim)
index.init_index(max_elements=n, M=16, ef_construction=100)
index.add_items(data, np.arange(n), num_threads=threads)
build = time.perf_counter() - start

index.set_ef(100)
rng = np.random.default_rng(42)
queries = rng.choice(n, size=200, replace=False)
latencies, recalls = [], []
for q in queries:
    t = time.perf_counter()
    labels, _ = index.knn_query(data[q:q + 1], k=10, num_threads=1)
    latencies.append((time.perf_counter() - t) * 1000)
    exact = np.argpartition(-(data @ data[q]), 10)[:10]
    recalls.append(len(set(labels[0].tolist()) & set(exact.tolist())) / 10)
p50, p99 = np.percentile(latencies, [50, 99])
print(f"hnswlib: {n} vectors built in {build:.1f} s = {n / build:.0f} vectors/s on {threads} threads; "
      f"query p50 {p50:.2f} ms p99 {p99:.2f} ms; recall@10 {np.mean(recalls):.3f}")
