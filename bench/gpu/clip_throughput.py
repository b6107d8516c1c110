#!/usr/bin/env python3
"""The GPU side of the CPU/GPU balance: images/s of CLIP ViT-B/32's image tower through get_image_features.

Builds the ViT-B/32-sized model with tools/clip_model.py's ClipGraph on the spot (random weights: the speed of a
trained model is the same), then times get_image_features on the device for each batch size and precision:
  fp32          the TorchScript module exactly as the pipeline ships it (torch.jit.script), float32
  fp16, bf16    the same graph under torch.autocast (what an exported half-precision model would run)
Each is timed twice: with the batch already on the device (the model's ceiling) and with a float32 batch copied from
ordinary host memory every call (what DJL does when the Java pipeline feeds the GPU).

Usage:
  python3 bench/gpu/clip_throughput.py                      # CUDA, batches 64..1024, about 2-4 minutes
  python3 bench/gpu/clip_throughput.py --device cpu --quick  # smoke test of the code path on any machine
  ... --out result.json                                      # also write the figures as JSON
Needs only torch (no JDK, no network).
"""
import argparse
import contextlib
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from clip_model import ClipGraph  # noqa: E402

# CLIP ViT-B/32 (OpenAI): 224 px, 32 px patches, image tower 12 x 768 (12 heads), text tower 12 x 512 (8 heads).
VIT_B_32 = {"embed_dim": 512, "image_size": 224, "patch_size": 32, "vision_width": 768, "vision_layers": 12,
            "vision_heads": 12, "vision_mlp": 3072, "vision_quick_gelu": True, "vision_eps": 1e-5,
            "vocab_size": 49408, "context_length": 77, "text_width": 512, "text_layers": 12, "text_heads": 8,
            "text_mlp": 2048, "text_quick_gelu": True, "text_eps": 1e-5, "eot_id": 49407}


def synchronize(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def images_per_second(model, host_batch, device, dtype, copy, seconds, min_iterations):
    """Runs get_image_features until `seconds` have passed (at least min_iterations calls) after two warm-up calls."""
    resident = host_batch.to(device)

    def call():
        x = host_batch.to(device) if copy else resident
        precision = contextlib.nullcontext() if dtype is None else torch.autocast(device_type=device.type,
                                                                                  dtype=dtype)
        with torch.no_grad(), precision:
            return model.get_image_features(x)

    for _ in range(2):
        call()
    synchronize(device)
    start = time.perf_counter()
    iterations = 0
    while iterations < min_iterations or time.perf_counter() - start < seconds:
        out = call()
        iterations += 1
        if device.type == "cuda" and iterations % 4 == 0:
            synchronize(device)
    synchronize(device)
    elapsed = time.perf_counter() - start
    assert out.shape == (host_batch.shape[0], VIT_B_32["embed_dim"]), out.shape
    return host_batch.shape[0] * iterations / elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda", help="torch device (default cuda)")
    parser.add_argument("--batches", default="64,128,256,512,1024", help="batch sizes to sweep")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per setting (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: one vision layer, batch 2, one timed call per setting")
    parser.add_argument("--out", help="also write the results as JSON to this file")
    args = parser.parse_args(argv)

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        parser.error("no CUDA device visible to torch (use --device cpu --quick for a smoke test)")
    cfg = dict(VIT_B_32)
    batches = [int(b) for b in args.batches.split(",")]
    seconds, min_iterations = args.seconds, 3
    if args.quick:
        cfg.update(vision_layers=1, text_layers=1)
        batches, seconds, min_iterations = [2], 0.0, 1
    torch.manual_seed(0)
    eager = ClipGraph(cfg).eval().to(device)
    scripted = torch.jit.script(ClipGraph(cfg).eval()).to(device)
    # CPU autocast knows bfloat16 only; CUDA both half types.
    precisions = [("fp32", scripted, None), ("bf16", eager, torch.bfloat16)]
    if device.type == "cuda":
        precisions.insert(1, ("fp16", eager, torch.float16))
        name = torch.cuda.get_device_name(device)
    else:
        name = f"CPU ({torch.get_num_threads()} threads)"
    print(f"device: {name}; torch {torch.__version__}; CUDA {torch.version.cuda}; "
          f"model: ViT-B/32 image tower{' (1 layer: --quick)' if args.quick else ''}")
    print(f"{'precision':<10} {'batch':>6} {'on device':>12} {'copied from host':>17}   (images/s)")
    results = []
    for label, model, dtype in precisions:
        for batch in batches:
            host = torch.randn(batch, 3, cfg["image_size"], cfg["image_size"])
            try:
                row = {"precision": label, "batch": batch,
                       "on_device": images_per_second(model, host, device, dtype, False, seconds, min_iterations),
                       "copied_from_host": images_per_second(model, host, device, dtype, True, seconds,
                                                             min_iterations)}
            except RuntimeError as e:
                # Out of memory at a large batch, or a precision this torch cannot autocast on this device
                # (torch 1.13's CPU bfloat16 autocast, for one): report it and go on with the sweep.
                print(f"{label:<10} {batch:>6} skipped: {str(e).splitlines()[0]}")
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                continue
            results.append(row)
            print(f"{label:<10} {batch:>6} {row['on_device']:>12.0f} {row['copied_from_host']:>17.0f}")
    if not results:
        sys.exit("no setting ran")
    best = max(results, key=lambda r: r["copied_from_host"])
    print(f"ceiling (fed from host): {best['copied_from_host']:.0f} images/s at {best['precision']}, "
          f"batch {best['batch']}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "cuda": torch.version.cuda,
                       "quick": args.quick, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
