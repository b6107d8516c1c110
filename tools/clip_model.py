#!/usr/bin/env python3
"""Make, check and export CLIP models in the imgsearch model layout.

A model directory holds:
  model.pt              TorchScript module with two methods:
                          get_image_features(pixel_values: float32 [B,3,S,S]) -> [B,E]
                          get_text_features(input_ids: int64 [B,L], attention_mask: int64 [B,L]) -> [B,E]
                        (the method names of Hugging Face's CLIPModel; outputs are NOT normalised)
  tokenizer.json        Hugging Face tokenizers file, CLIP byte-level BPE layout
  imgsearch-model.json  descriptor (see write_descriptor)

Commands (each has --help):
  tiny OUT_DIR                     seeded random-weight CLIP with the real interface (test fixture)
  reference MODEL_DIR OUT_DIR      reference inputs/outputs for the Java parity test
  export --from hf|open_clip|openai ...   convert a pretrained CLIP (needs transformers, open_clip or OpenAI's
                                   clip package, and PyPI/HF access)
  pack MODEL_DIR OUT.zip           zip a model directory and print the URL fragment with its sha256

Every model this script writes, tiny or exported, is the same scripted ClipGraph below: torch.jit.script keeps
shapes and devices symbolic, so one file runs on CPU and GPU and with any batch size and text length.
Runs with Debian's /usr/bin/python3 (torch 1.13) for tiny/reference/pack.  TorchScript saved by torch 1.13 and by
torch 2.14 was checked to load and agree in DJL's libtorch 2.7.1.
"""

import argparse
import hashlib
import json
import math
import os
import re
import sys
import unicodedata
import zipfile
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

DESCRIPTOR = "imgsearch-model.json"
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]
SPLIT_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
CONTRACTIONS = ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d")


# ----------------------------------------------------------------------------------------------------------------
# The model graph
# ----------------------------------------------------------------------------------------------------------------

class Block(nn.Module):
    """Pre-norm transformer block of OpenAI CLIP (separate q/k/v projections, as in Hugging Face's CLIP)."""

    def __init__(self, width: int, heads: int, mlp: int, quick_gelu: bool, eps: float):
        super().__init__()
        self.heads = heads
        self.head_dim = width // heads
        self.scale = float(self.head_dim) ** -0.5
        self.quick_gelu = quick_gelu
        self.ln_1 = nn.LayerNorm(width, eps=eps)
        self.q = nn.Linear(width, width)
        self.k = nn.Linear(width, width)
        self.v = nn.Linear(width, width)
        self.out = nn.Linear(width, width)
        self.ln_2 = nn.LayerNorm(width, eps=eps)
        self.fc1 = nn.Linear(width, mlp)
        self.fc2 = nn.Linear(mlp, width)

    def forward(self, x: torch.Tensor, allowed: Optional[torch.Tensor]) -> torch.Tensor:
        b, n, c = x.shape[0], x.shape[1], x.shape[2]
        h = self.ln_1(x)
        q = self.q(h).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(h).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.v(h).reshape(b, n, self.heads, self.head_dim).transpose(1, 2)
        att = torch.matmul(q * self.scale, k.transpose(-2, -1))
        if allowed is not None:
            att = att.masked_fill(torch.logical_not(allowed), float("-inf"))
        att = torch.softmax(att, dim=-1)
        y = torch.matmul(att, v).transpose(1, 2).reshape(b, n, c)
        x = x + self.out(y)
        h = self.fc1(self.ln_2(x))
        if self.quick_gelu:
            h = h * torch.sigmoid(1.702 * h)
        else:
            h = F.gelu(h)
        return x + self.fc2(h)


class ClipGraph(nn.Module):
    """OpenAI-CLIP ViT image tower + causal text tower, the architecture of ViT-B/32, ViT-L/14 and ViT-bigG-14.

    The text tower slices its position table to the input's length, as Hugging Face's CLIPModel and open_clip do, so
    token rows may end after the longest text of a batch. With cfg["fixed_text_positions"] it adds the whole table
    instead, as OpenAI's original clip module does, and then takes rows of exactly the context length only (a test
    fixture for models that need the full context).
    """

    def __init__(self, cfg: Dict):
        super().__init__()
        vw, tw = cfg["vision_width"], cfg["text_width"]
        grid = cfg["image_size"] // cfg["patch_size"]
        self.eot_id = int(cfg["eot_id"])
        self.fixed_text_positions = bool(cfg.get("fixed_text_positions", False))
        self.visual_conv = nn.Conv2d(3, vw, kernel_size=cfg["patch_size"], stride=cfg["patch_size"], bias=False)
        self.visual_class_embedding = nn.Parameter(torch.zeros(vw))
        self.visual_positional = nn.Parameter(torch.zeros(grid * grid + 1, vw))
        self.visual_ln_pre = nn.LayerNorm(vw, eps=cfg["vision_eps"])
        self.visual_blocks = nn.ModuleList([
            Block(vw, cfg["vision_heads"], cfg["vision_mlp"], cfg["vision_quick_gelu"], cfg["vision_eps"])
            for _ in range(cfg["vision_layers"])])
        self.visual_ln_post = nn.LayerNorm(vw, eps=cfg["vision_eps"])
        self.visual_proj = nn.Parameter(torch.zeros(vw, cfg["embed_dim"]))
        self.token_embedding = nn.Embedding(cfg["vocab_size"], tw)
        self.text_positional = nn.Parameter(torch.zeros(cfg["context_length"], tw))
        self.text_blocks = nn.ModuleList([
            Block(tw, cfg["text_heads"], cfg["text_mlp"], cfg["text_quick_gelu"], cfg["text_eps"])
            for _ in range(cfg["text_layers"])])
        self.ln_final = nn.LayerNorm(tw, eps=cfg["text_eps"])
        self.text_proj = nn.Parameter(torch.zeros(tw, cfg["embed_dim"]))

    @torch.jit.export
    def get_image_features(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.visual_conv(pixel_values)
        x = x.flatten(2).transpose(1, 2)
        cls = self.visual_class_embedding.to(x.dtype).reshape(1, 1, -1).expand(x.shape[0], 1, x.shape[2])
        x = torch.cat([cls, x], dim=1) + self.visual_positional.to(x.dtype)
        x = self.visual_ln_pre(x)
        for block in self.visual_blocks:
            x = block(x, None)
        return torch.matmul(self.visual_ln_post(x[:, 0, :]), self.visual_proj)

    @torch.jit.export
    def get_text_features(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        length = input_ids.shape[1]
        positions = self.text_positional if self.fixed_text_positions else self.text_positional[:length]
        x = self.token_embedding(input_ids) + positions
        causal = torch.ones(length, length, dtype=torch.bool, device=input_ids.device).tril()
        allowed = torch.logical_and(causal.unsqueeze(0).unsqueeze(0),
                                    attention_mask.to(torch.bool).unsqueeze(1).unsqueeze(2))
        for block in self.text_blocks:
            x = block(x, allowed)
        x = self.ln_final(x)
        # The first end-of-text token carries the sentence (pad tokens after it never reach it: causal attention).
        eot = torch.argmax(torch.eq(input_ids, self.eot_id).to(torch.int32), dim=-1)
        rows = torch.arange(x.shape[0], device=x.device)
        return torch.matmul(x[rows, eot], self.text_proj)

    def forward(self, pixel_values: torch.Tensor, input_ids: torch.Tensor,
                attention_mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.get_image_features(pixel_values), self.get_text_features(input_ids, attention_mask)


def save_scripted(graph: ClipGraph, out_dir: str) -> str:
    graph.eval()
    path = os.path.join(out_dir, "model.pt")
    torch.jit.save(torch.jit.script(graph), path)
    return path


# ----------------------------------------------------------------------------------------------------------------
# CLIP byte-level BPE: tokenizer.json writer and an independent encoder (OpenAI SimpleTokenizer algorithm)
# ----------------------------------------------------------------------------------------------------------------

def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2/CLIP table mapping every byte to a printable unicode character."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def normalize(text: str) -> str:
    """The tokenizer.json normalizer: NFC, whitespace runs to one space, lowercase.

    Lowercasing is per character, as in Hugging Face tokenizers (a final capital sigma becomes σ, not ς). OpenAI's
    SimpleTokenizer differs from Hugging Face's CLIP tokenizer there and in running ftfy/html.unescape first
    (e.g. fullwidth letters); the reference texts avoid those cases.
    """
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
    return "".join(ch.lower() for ch in text)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_number(ch: str) -> bool:
    return unicodedata.category(ch).startswith("N")


def split_words(text: str) -> List[str]:
    """CLIP's split regex (SPLIT_PATTERN), leftmost alternative first; Debian's python has no `regex` module."""
    words, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        contraction = next((c for c in CONTRACTIONS if text.startswith(c, i)), None)
        if contraction:
            j = i + len(contraction)
        elif _is_letter(ch):
            j = i + 1
            while j < n and _is_letter(text[j]):
                j += 1
        elif _is_number(ch):
            j = i + 1
        elif not ch.isspace():
            j = i + 1
            while j < n and not (text[j].isspace() or _is_letter(text[j]) or _is_number(text[j])):
                j += 1
        else:
            i += 1
            continue
        words.append(text[i:j])
        i = j
    return words


class ClipBpe:
    """Encodes like OpenAI's SimpleTokenizer, reading the vocab and merges of a CLIP-layout tokenizer.json."""

    def __init__(self, tokenizer_json: Dict):
        model = tokenizer_json["model"]
        self.vocab: Dict[str, int] = model["vocab"]
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks = {pair: rank for rank, pair in enumerate(merges)}
        post = tokenizer_json["post_processor"]
        self.sot_id = int(post["cls"][1])
        self.eot_id = int(post["sep"][1])
        self.byte_encoder = bytes_to_unicode()

    def bpe(self, token: str) -> List[str]:
        word = list(token[:-1]) + [token[-1] + "</w>"]
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, math.inf))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i < len(word) - 1 and word[i] == best[0] and word[i + 1] == best[1]:
                    merged.append(best[0] + best[1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def encode(self, text: str) -> List[int]:
        ids = []
        for word in split_words(normalize(text)):
            token = "".join(self.byte_encoder[b] for b in word.encode("utf-8"))
            ids.extend(self.vocab[piece] for piece in self.bpe(token))
        return ids

    def encode_padded(self, text: str, context_length: int, pad_id: int) -> Tuple[List[int], List[int]]:
        """SOT + tokens + EOT, cut to context_length keeping EOT last, then padded; returns (ids, attention mask)."""
        ids = [self.sot_id] + self.encode(text)[: context_length - 2] + [self.eot_id]
        mask = [1] * len(ids) + [0] * (context_length - len(ids))
        return ids + [pad_id] * (context_length - len(ids)), mask


def tokenizer_json(vocab: Dict[str, int], merges: List[Tuple[str, str]], sot: str, eot: str) -> Dict:
    """A tokenizer.json in the layout transformers' CLIPConverter writes for CLIP's tokenizer."""
    def special(token):
        return {"id": vocab[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": True, "special": True}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(sot), special(eot)],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"},
            {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": SPLIT_PATTERN}, "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [eot, vocab[eot]], "cls": [sot, vocab[sot]],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": eot, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


TRAINING_TEXT = """
a photo of a cat sitting on a sofa. a photo of a dog running on the beach. two dogs playing in the snow.
a close-up photo of a red flower in the garden. a painting of a mountain lake at sunset. the city at night.
a black and white photo of an old car parked on the street. a bowl of fresh fruit on a wooden table.
a group of people walking in the park. a child riding a bicycle. a bird flying over the ocean waves.
a diagram of the solar system. a plate of pasta with tomato sauce. a cup of coffee next to a laptop.
a train crossing a bridge over a river. the quick brown fox jumps over the lazy dog. snow on the trees.
a selfie of a smiling woman. a man wearing a blue shirt and a hat. an airplane in the clear blue sky.
it's a sunny day; they'll go to the market. we'd like the small house with the green door.
photographs, paintings, drawings and screenshots: images of animals, food, people, places and things.
café, naïve, déjà vu, façade, über, 東京, タワー, 夜景, 猫, 犬, 2024, 3.14, 42%, 🐱, 🚀.
"""


def train_bpe(text: str, num_merges: int) -> Tuple[Dict[str, int], List[Tuple[str, str]]]:
    """Learns CLIP-style merges from text; vocab ids follow CLIP's order (bytes, bytes+</w>, merges, specials)."""
    byte_encoder = bytes_to_unicode()
    counts: Dict[Tuple[str, ...], int] = {}
    for word in split_words(normalize(text)):
        token = "".join(byte_encoder[b] for b in word.encode("utf-8"))
        symbols = tuple(token[:-1]) + (token[-1] + "</w>",)
        counts[symbols] = counts.get(symbols, 0) + 1
    tokens = list(byte_encoder.values())
    tokens += [t + "</w>" for t in tokens]
    known = set(tokens)
    merges: List[Tuple[str, str]] = []
    while len(merges) < num_merges:
        pairs: Dict[Tuple[str, str], int] = {}
        for symbols, count in counts.items():
            for pair in zip(symbols, symbols[1:]):
                if pair[0] + pair[1] not in known:
                    pairs[pair] = pairs.get(pair, 0) + count
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        merges.append(best)
        known.add(best[0] + best[1])
        tokens.append(best[0] + best[1])
        merged_counts = {}
        for symbols, count in counts.items():
            out, i = [], 0
            while i < len(symbols):
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == best:
                    out.append(best[0] + best[1])
                    i += 2
                else:
                    out.append(symbols[i])
                    i += 1
            merged_counts[tuple(out)] = merged_counts.get(tuple(out), 0) + count
        counts = merged_counts
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    return {t: i for i, t in enumerate(tokens)}, merges


# ----------------------------------------------------------------------------------------------------------------
# Descriptor
# ----------------------------------------------------------------------------------------------------------------

def write_descriptor(out_dir: str, name: str, embed_dim: int, image_size: int, mean, std, context_length: int,
                     text_padding: str, test_model: bool, pad_id: int = 0) -> None:
    """imgsearch-model.json.

    name            recorded with every embedding (EmbeddingRecord.model)
    embedding_dim   output size of both methods
    image_size      S: pixel_values are [B,3,S,S], made by resize-shortest-side (bicubic) + centre crop to S
    mean, std       per-channel normalisation applied to pixels scaled to [0,1]
    context_length  L: token rows are SOT + text + EOT, truncated to L (EOT kept last), then padded
    text_padding    "longest": a batch's rows end after its longest text (exact for text towers that slice their
                    position table); "max_length": rows are padded to exactly L (see measure_text_padding)
    pad_id          id written after EOT; the attention mask is 1 for SOT..EOT and 0 for padding
    test_model      true for random weights: the server then tells its users that results mean nothing
    model_file, tokenizer_file   file names inside the directory
    (Java also reads an optional "cpu_only": true, for TorchScript traced with CPU constants in its graph, such as
    DJL's published ViT-B/32; models written here are scripted and never need it.)
    """
    if text_padding not in ("longest", "max_length"):
        raise ValueError(f"text_padding must be longest or max_length, not {text_padding!r}")
    descriptor = {"name": name, "embedding_dim": int(embed_dim), "image_size": int(image_size),
                  "mean": [float(m) for m in mean], "std": [float(s) for s in std],
                  "context_length": int(context_length), "text_padding": text_padding, "pad_id": int(pad_id),
                  "test_model": bool(test_model), "model_file": "model.pt", "tokenizer_file": "tokenizer.json"}
    with open(os.path.join(out_dir, DESCRIPTOR), "w", encoding="utf-8") as f:
        json.dump(descriptor, f, indent=2)
        f.write("\n")


# Differences this small are float rounding of differently shaped matrix products; a tower that does depend on its
# padding differs by orders of magnitude more, or fails on short rows.
TRIM_TOLERANCE = 1e-5
PROBE_TEXTS = ["a photo of a cat", "two dogs playing in the snow on a sunny day"]


def measure_text_padding(model_path: str, bpe: "ClipBpe", context_length: int, pad_id: int = 0) -> Tuple[str, float]:
    """The text_padding a written model.pt needs, measured: "longest" when token rows cut after the longest text embed
    like rows padded to the context length, else "max_length". Returns it with the measured max |difference|."""
    module = torch.jit.load(model_path, map_location="cpu").eval()
    encoded = [bpe.encode_padded(t, context_length, pad_id) for t in PROBE_TEXTS]
    ids = torch.tensor([e[0] for e in encoded], dtype=torch.int64)
    mask = torch.tensor([e[1] for e in encoded], dtype=torch.int64)
    longest = int(mask.sum(dim=1).max())
    with torch.no_grad():
        padded = F.normalize(module.get_text_features(ids, mask), dim=-1)
        try:
            trimmed = F.normalize(module.get_text_features(ids[:, :longest].contiguous(),
                                                           mask[:, :longest].contiguous()), dim=-1)
        except RuntimeError:
            return "max_length", math.inf
    diff = (padded - trimmed).abs().max().item()
    return ("longest" if diff <= TRIM_TOLERANCE else "max_length"), diff


def read_descriptor(model_dir: str) -> Dict:
    with open(os.path.join(model_dir, DESCRIPTOR), encoding="utf-8") as f:
        return json.load(f)


def write_tokenizer(out_dir: str, data: Dict) -> None:
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------------------------------------------------------
# tiny
# ----------------------------------------------------------------------------------------------------------------

def cmd_tiny(args) -> None:
    os.makedirs(args.out_dir, exist_ok=True)
    vocab, merges = train_bpe(TRAINING_TEXT, args.merges)
    tokenizer = tokenizer_json(vocab, merges, "<|startoftext|>", "<|endoftext|>")
    write_tokenizer(args.out_dir, tokenizer)
    width = args.width
    vision_width = args.vision_width or width
    cfg = {"embed_dim": args.dim, "image_size": 224, "patch_size": 32, "vision_width": vision_width,
           "vision_layers": args.vision_layers, "vision_heads": args.vision_heads, "vision_mlp": 4 * vision_width,
           "vision_quick_gelu": True, "vision_eps": 1e-5,
           "vocab_size": len(vocab), "context_length": 77, "text_width": width, "text_layers": args.text_layers,
           "text_heads": args.text_heads, "text_mlp": 4 * width, "text_quick_gelu": True, "text_eps": 1e-5,
           "eot_id": vocab["<|endoftext|>"], "fixed_text_positions": args.full_context}
    torch.manual_seed(args.seed)
    graph = ClipGraph(cfg)
    # Untrained, a class token and position table of CLIP's scale swamp the patches (all images embed alike);
    # zero them and sharpen attention so that different images get clearly different embeddings.
    with torch.no_grad():
        graph.token_embedding.weight.normal_(std=0.02)
        graph.text_positional.normal_(std=0.01)
        graph.visual_proj.normal_(std=width ** -0.5)
        graph.text_proj.normal_(std=width ** -0.5)
        for block in graph.visual_blocks:
            block.q.weight.mul_(4.0)
            block.k.weight.mul_(4.0)
    path = save_scripted(graph, args.out_dir)
    # The name says the shape, so a benchmark's model can never be mistaken for the committed test fixture.
    name = "tiny-clip-test" if (width, args.text_layers, args.vision_layers) == (64, 2, 1) else \
        f"random-clip-t{args.text_layers}x{width}-v{args.vision_layers}x{vision_width}"
    if args.full_context:
        name += "-full-context"
    padding, diff = measure_text_padding(path, ClipBpe(tokenizer), 77)
    write_descriptor(args.out_dir, name, args.dim, 224, OPENAI_MEAN, OPENAI_STD, 77, padding, test_model=True)
    total = sum(os.path.getsize(os.path.join(args.out_dir, f)) for f in os.listdir(args.out_dir))
    print(f"tiny model in {args.out_dir}: vocab {len(vocab)}, {len(merges)} merges, {total / 1e6:.2f} MB, "
          f"text_padding {padding} (trimmed vs padded: {diff:.1e})")


# ----------------------------------------------------------------------------------------------------------------
# reference
# ----------------------------------------------------------------------------------------------------------------

REFERENCE_TEXTS = [
    "a photo of a cat",
    "A PHOTO of   a Dog!!",
    "",
    "Cafe\u0301 déjà vu \u2014 naïve façade",
    "東京タワーの夜景 🗼🐱",
    "it's the dog's ball, isn't it? they'll see; we'd go",
    "numbers 2024 and 3.14159 = 42%",
    "\tTabs\nand\r\nnewlines   everywhere  ",
    "the quick brown fox jumps over the lazy dog " * 12,
]


def cmd_reference(args) -> None:
    descriptor = read_descriptor(args.model_dir)
    with open(os.path.join(args.model_dir, descriptor.get("tokenizer_file", "tokenizer.json")), encoding="utf-8") as f:
        bpe = ClipBpe(json.load(f))
    module = torch.jit.load(os.path.join(args.model_dir, descriptor.get("model_file", "model.pt")),
                            map_location="cpu")
    module.eval()
    size, ctx, pad = descriptor["image_size"], descriptor["context_length"], descriptor.get("pad_id", 0)

    # Random colour blocks plus pixel noise: images that differ as much as real ones do, unlike pure noise.
    generator = torch.Generator().manual_seed(args.seed)
    blocks = torch.randint(0, 256, (args.images, 3, 8, 8), generator=generator).to(torch.float32)
    noise = torch.randint(-24, 25, (args.images, 3, size, size), generator=generator).to(torch.float32)
    raw = (F.interpolate(blocks, size=(size, size), mode="nearest") + noise).clamp(0, 255).round()
    mean = torch.tensor(descriptor["mean"], dtype=torch.float32).reshape(1, 3, 1, 1)
    std = torch.tensor(descriptor["std"], dtype=torch.float32).reshape(1, 3, 1, 1)
    pixels = ((raw / 255.0) - mean) / std

    encoded = [bpe.encode_padded(t, ctx, pad) for t in REFERENCE_TEXTS]
    ids = torch.tensor([e[0] for e in encoded], dtype=torch.int64)
    mask = torch.tensor([e[1] for e in encoded], dtype=torch.int64)
    with torch.no_grad():
        image_features = F.normalize(module.get_image_features(pixels), dim=-1)
        text_features = F.normalize(module.get_text_features(ids, mask), dim=-1)

    os.makedirs(args.out_dir, exist_ok=True)
    pixels.numpy().astype("<f4").tofile(os.path.join(args.out_dir, "images.f32"))
    reference = {
        "model": descriptor["name"],
        "image_file": "images.f32",
        "image_shape": list(pixels.shape),
        "image_features": image_features.tolist(),
        "texts": REFERENCE_TEXTS,
        "input_ids": ids.tolist(),
        "attention_mask": mask.tolist(),
        "text_features": text_features.tolist(),
    }
    with open(os.path.join(args.out_dir, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(reference, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"reference for {descriptor['name']} in {args.out_dir}: {args.images} images, {len(REFERENCE_TEXTS)} texts")


# ----------------------------------------------------------------------------------------------------------------
# export
# ----------------------------------------------------------------------------------------------------------------

CHECK_TEXTS = ["a photo of a cat", "A PHOTO of   a Dog!!", "it's the dog's ball, isn't it?", "東京タワー 🗼",
               "numbers 2024 and 3.14159", "the quick brown fox jumps over the lazy dog " * 12]


def _block_from_hf(sd: Dict, prefix: str, ours: str) -> Dict:
    names = {"ln_1": "layer_norm1", "q": "self_attn.q_proj", "k": "self_attn.k_proj", "v": "self_attn.v_proj",
             "out": "self_attn.out_proj", "ln_2": "layer_norm2", "fc1": "mlp.fc1", "fc2": "mlp.fc2"}
    return {f"{ours}.{mine}.{p}": sd[f"{prefix}.{theirs}.{p}"]
            for mine, theirs in names.items() for p in ("weight", "bias")}


def _block_from_open_clip(sd: Dict, prefix: str, ours: str) -> Dict:
    out = {}
    weight, bias = sd[f"{prefix}.attn.in_proj_weight"], sd[f"{prefix}.attn.in_proj_bias"]
    for i, part in enumerate(("q", "k", "v")):
        out[f"{ours}.{part}.weight"] = weight.chunk(3, dim=0)[i]
        out[f"{ours}.{part}.bias"] = bias.chunk(3, dim=0)[i]
    names = {"ln_1": "ln_1", "out": "attn.out_proj", "ln_2": "ln_2", "fc1": "mlp.c_fc", "fc2": "mlp.c_proj"}
    for mine, theirs in names.items():
        for p in ("weight", "bias"):
            out[f"{ours}.{mine}.{p}"] = sd[f"{prefix}.{theirs}.{p}"]
    return out


def _mapped_openai_layout(sd: Dict, cfg: Dict) -> Dict:
    """ClipGraph's weights from a state dict in OpenAI's layout, which open_clip keeps."""
    text_proj = sd["text_projection"] if "text_projection" in sd else sd["text_projection.weight"].t()
    mapped = {
        "visual_conv.weight": sd["visual.conv1.weight"],
        "visual_class_embedding": sd["visual.class_embedding"],
        "visual_positional": sd["visual.positional_embedding"],
        "visual_proj": sd["visual.proj"],
        "token_embedding.weight": sd["token_embedding.weight"],
        "text_positional": sd["positional_embedding"],
        "text_proj": text_proj,
        **_ln(sd, "visual.ln_pre", "visual_ln_pre"),
        **_ln(sd, "visual.ln_post", "visual_ln_post"),
        **_ln(sd, "ln_final", "ln_final"),
    }
    for i in range(cfg["vision_layers"]):
        mapped.update(_block_from_open_clip(sd, f"visual.transformer.resblocks.{i}", f"visual_blocks.{i}"))
    for i in range(cfg["text_layers"]):
        mapped.update(_block_from_open_clip(sd, f"transformer.resblocks.{i}", f"text_blocks.{i}"))
    return mapped


def _write_simple_tokenizer(out_dir: str, tokenizer, sot_id: int, eot_id: int) -> None:
    """tokenizer.json from OpenAI's SimpleTokenizer (or open_clip's copy of it): its vocab and ranked merges."""
    vocab = dict(tokenizer.encoder)
    merges = [pair for pair, _ in sorted(tokenizer.bpe_ranks.items(), key=lambda kv: kv[1])]
    write_tokenizer(out_dir, tokenizer_json(vocab, merges, tokenizer.decoder[sot_id], tokenizer.decoder[eot_id]))


def _eot_mask(ids: torch.Tensor, eot_id: int) -> torch.Tensor:
    """1 from the first token through the first end-of-text token, 0 after it."""
    eot = torch.eq(ids, eot_id).int()
    return (torch.cumsum(eot, dim=-1) - eot == 0).long()


def _ln(sd: Dict, theirs: str, ours: str) -> Dict:
    return {f"{ours}.weight": sd[f"{theirs}.weight"], f"{ours}.bias": sd[f"{theirs}.bias"]}


def _features(output) -> torch.Tensor:
    """get_*_features returns a tensor in transformers 4.x and an output object in some newer versions."""
    if torch.is_tensor(output):
        return output
    return output.pooler_output


def _activation(name: str) -> bool:
    if name not in ("quick_gelu", "gelu"):
        raise SystemExit(f"unsupported activation {name!r}: only quick_gelu and gelu CLIP models are handled")
    return name == "quick_gelu"


def export_hf(args, out_dir: str):
    from transformers import AutoTokenizer, CLIPImageProcessor, CLIPModel
    source = CLIPModel.from_pretrained(args.name).float().eval()
    vc, tc = source.config.vision_config, source.config.text_config
    tokenizer = AutoTokenizer.from_pretrained(args.name)
    processor = CLIPImageProcessor.from_pretrained(args.name)
    crop = processor.crop_size  # a dict in transformers 4, a SizeDict (also subscriptable) in 5
    image_size = int(crop) if isinstance(crop, int) else int(crop["height"])
    if image_size != vc.image_size:
        raise SystemExit(f"processor crop {image_size} differs from the model's image size {vc.image_size}")
    cfg = {"embed_dim": source.config.projection_dim, "image_size": vc.image_size, "patch_size": vc.patch_size,
           "vision_width": vc.hidden_size, "vision_layers": vc.num_hidden_layers,
           "vision_heads": vc.num_attention_heads, "vision_mlp": vc.intermediate_size,
           "vision_quick_gelu": _activation(vc.hidden_act), "vision_eps": vc.layer_norm_eps,
           "vocab_size": tc.vocab_size, "context_length": tc.max_position_embeddings, "text_width": tc.hidden_size,
           "text_layers": tc.num_hidden_layers, "text_heads": tc.num_attention_heads, "text_mlp": tc.intermediate_size,
           "text_quick_gelu": _activation(tc.hidden_act), "text_eps": tc.layer_norm_eps,
           "eot_id": tokenizer.eos_token_id}
    sd = source.state_dict()
    mapped = {
        "visual_conv.weight": sd["vision_model.embeddings.patch_embedding.weight"],
        "visual_class_embedding": sd["vision_model.embeddings.class_embedding"],
        "visual_positional": sd["vision_model.embeddings.position_embedding.weight"],
        "visual_proj": sd["visual_projection.weight"].t(),
        "token_embedding.weight": sd["text_model.embeddings.token_embedding.weight"],
        "text_positional": sd["text_model.embeddings.position_embedding.weight"],
        "text_proj": sd["text_projection.weight"].t(),
        **_ln(sd, "vision_model.pre_layrnorm", "visual_ln_pre"),
        **_ln(sd, "vision_model.post_layernorm", "visual_ln_post"),
        **_ln(sd, "text_model.final_layer_norm", "ln_final"),
    }
    for i in range(vc.num_hidden_layers):
        mapped.update(_block_from_hf(sd, f"vision_model.encoder.layers.{i}", f"visual_blocks.{i}"))
    for i in range(tc.num_hidden_layers):
        mapped.update(_block_from_hf(sd, f"text_model.encoder.layers.{i}", f"text_blocks.{i}"))

    tokenizer.backend_tokenizer.save(os.path.join(out_dir, "tokenizer.json"))

    def reference_image(pixels):
        with torch.no_grad():
            return _features(source.get_image_features(pixel_values=pixels))

    def reference_text(texts, ctx):
        batch = tokenizer(texts, padding="max_length", max_length=ctx, truncation=True, return_tensors="pt")
        with torch.no_grad():
            features = _features(source.get_text_features(input_ids=batch["input_ids"],
                                                          attention_mask=batch["attention_mask"]))
        return batch["input_ids"], batch["attention_mask"], features

    return cfg, mapped, processor.image_mean, processor.image_std, reference_image, reference_text


def export_open_clip(args, out_dir: str):
    import open_clip
    if not args.pretrained:
        raise SystemExit("--from open_clip needs --pretrained TAG (e.g. laion2b_s39b_b160k for ViT-bigG-14)")
    source, _, _ = open_clip.create_model_and_transforms(args.name, pretrained=args.pretrained)
    source = source.float().eval()
    tokenizer = open_clip.get_tokenizer(args.name)
    if not isinstance(tokenizer, open_clip.SimpleTokenizer):
        raise SystemExit(f"{args.name} uses {type(tokenizer).__name__}; only CLIP's BPE tokenizer is supported")
    visual = source.visual
    if not hasattr(source, "transformer") or not hasattr(visual, "conv1"):
        raise SystemExit(f"{args.name} is not an OpenAI-style ViT CLIP (CustomTextCLIP/ResNet towers unsupported)")
    for what, ok in [("text pooling", getattr(source, "text_pool_type", "argmax") == "argmax"),
                     ("image pooling", getattr(visual, "pool_type", "tok") == "tok"),
                     ("attentional pooling", getattr(visual, "attn_pool", None) is None),
                     ("final_ln_after_pool", not getattr(visual, "final_ln_after_pool", False)),
                     ("layer scale", isinstance(getattr(visual.transformer.resblocks[0], "ls_1", nn.Identity()),
                                                nn.Identity))]:
        if not ok:
            raise SystemExit(f"{args.name}: unsupported {what}")
    vblock, tblock = visual.transformer.resblocks[0], source.transformer.resblocks[0]
    image_size = visual.image_size[0] if isinstance(visual.image_size, (tuple, list)) else visual.image_size
    cfg = {"embed_dim": visual.proj.shape[1], "image_size": image_size, "patch_size": visual.conv1.kernel_size[0],
           "vision_width": visual.conv1.out_channels, "vision_layers": len(visual.transformer.resblocks),
           "vision_heads": vblock.attn.num_heads, "vision_mlp": vblock.mlp.c_fc.out_features,
           "vision_quick_gelu": type(vblock.mlp.gelu).__name__ == "QuickGELU", "vision_eps": visual.ln_pre.eps,
           "vocab_size": source.vocab_size, "context_length": source.context_length,
           "text_width": source.token_embedding.embedding_dim, "text_layers": len(source.transformer.resblocks),
           "text_heads": tblock.attn.num_heads, "text_mlp": tblock.mlp.c_fc.out_features,
           "text_quick_gelu": type(tblock.mlp.gelu).__name__ == "QuickGELU", "text_eps": source.ln_final.eps,
           "eot_id": tokenizer.eot_token_id}
    sd = source.state_dict()
    if "text_projection.bias" in sd:
        raise SystemExit(f"{args.name}: a biased text projection is unsupported")
    mapped = _mapped_openai_layout(sd, cfg)
    _write_simple_tokenizer(out_dir, tokenizer, tokenizer.sot_token_id, tokenizer.eot_token_id)

    preprocess = getattr(visual, "preprocess_cfg", None) or {}
    mean = preprocess.get("mean") or getattr(visual, "image_mean", None) or open_clip.OPENAI_DATASET_MEAN
    std = preprocess.get("std") or getattr(visual, "image_std", None) or open_clip.OPENAI_DATASET_STD
    if preprocess.get("interpolation", "bicubic") != "bicubic" or preprocess.get("resize_mode", "shortest") != "shortest":
        print(f"warning: {args.name} preprocesses with {preprocess}; imgsearch resizes shortest-side bicubic",
              file=sys.stderr)

    def reference_image(pixels):
        with torch.no_grad():
            return source.encode_image(pixels)

    def reference_text(texts, ctx):
        ids = tokenizer(texts, context_length=ctx)
        with torch.no_grad():
            return ids, _eot_mask(ids, cfg["eot_id"]), source.encode_text(ids)

    return cfg, mapped, mean, std, reference_image, reference_text


def export_openai(args, out_dir: str):
    """OpenAI's original clip package. Its text tower adds a fixed 77-position table and so takes only full-length
    rows; the weights copied into ClipGraph, which slices that table, give the same embeddings from trimmed rows."""
    import clip
    from clip.simple_tokenizer import SimpleTokenizer
    source, _ = clip.load(args.name, device="cpu", jit=False)
    source = source.float().eval()
    visual = source.visual
    if not hasattr(visual, "conv1"):
        raise SystemExit(f"{args.name} is a ResNet CLIP; only ViT towers are supported")
    tokenizer = SimpleTokenizer()
    vblock, tblock = visual.transformer.resblocks[0], source.transformer.resblocks[0]
    cfg = {"embed_dim": source.text_projection.shape[1], "image_size": visual.input_resolution,
           "patch_size": visual.conv1.kernel_size[0], "vision_width": visual.conv1.out_channels,
           "vision_layers": len(visual.transformer.resblocks), "vision_heads": vblock.attn.num_heads,
           "vision_mlp": vblock.mlp.c_fc.out_features, "vision_quick_gelu": True, "vision_eps": visual.ln_pre.eps,
           "vocab_size": source.vocab_size, "context_length": source.context_length,
           "text_width": source.token_embedding.embedding_dim, "text_layers": len(source.transformer.resblocks),
           "text_heads": tblock.attn.num_heads, "text_mlp": tblock.mlp.c_fc.out_features, "text_quick_gelu": True,
           "text_eps": source.ln_final.eps, "eot_id": tokenizer.encoder["<|endoftext|>"]}
    mapped = _mapped_openai_layout(source.state_dict(), cfg)
    _write_simple_tokenizer(out_dir, tokenizer, tokenizer.encoder["<|startoftext|>"], cfg["eot_id"])

    def reference_image(pixels):
        with torch.no_grad():
            return source.encode_image(pixels)

    def reference_text(texts, ctx):
        ids = clip.tokenize(texts, context_length=ctx, truncate=True)
        with torch.no_grad():
            return ids, _eot_mask(ids, cfg["eot_id"]), source.encode_text(ids)

    return cfg, mapped, OPENAI_MEAN, OPENAI_STD, reference_image, reference_text


EXPORTERS = {"hf": export_hf, "open_clip": export_open_clip, "openai": export_openai}


def cmd_export(args) -> None:
    os.makedirs(args.out_dir, exist_ok=True)
    cfg, mapped, mean, std, reference_image, reference_text = EXPORTERS[args.source](args, args.out_dir)

    graph = ClipGraph(cfg)
    graph.load_state_dict({k: v.detach().to(torch.float32).contiguous() for k, v in mapped.items()}, strict=True)
    path = save_scripted(graph, args.out_dir)
    name = args.label or {"hf": args.name, "open_clip": f"{args.name}/{args.pretrained}",
                          "openai": f"openai/{args.name}"}[args.source]
    with open(os.path.join(args.out_dir, "tokenizer.json"), encoding="utf-8") as f:
        bpe = ClipBpe(json.load(f))
    ctx = cfg["context_length"]
    padding, trim_diff = measure_text_padding(path, bpe, ctx)
    print(f"text_padding {padding}: trimmed vs padded token rows differ by {trim_diff:.1e}")
    write_descriptor(args.out_dir, name, cfg["embed_dim"], cfg["image_size"], mean, std, ctx, padding,
                     test_model=False)

    # Check the written files, not the in-memory graph: tokenizer.json against the library's tokenizer, and
    # model.pt against the library's own forward, on CPU and (when present) on GPU.
    ref_ids, ref_mask, ref_text = reference_text(CHECK_TEXTS, ctx)
    ours = [bpe.encode_padded(t, ctx, 0) for t in CHECK_TEXTS]
    for i, (ids, mask) in enumerate(ours):
        expected = [int(t) for t, m in zip(ref_ids[i].tolist(), ref_mask[i].tolist()) if m]
        if ids[: sum(mask)] != expected:
            raise SystemExit(f"tokenizer mismatch on {CHECK_TEXTS[i]!r}: {ids[:sum(mask)]} vs {expected}")
    pixels = torch.randn(2, 3, cfg["image_size"], cfg["image_size"], generator=torch.Generator().manual_seed(0))
    ids = torch.tensor([o[0] for o in ours])
    mask = torch.tensor([o[1] for o in ours])
    expected_image = F.normalize(reference_image(pixels), dim=-1)
    expected_text = F.normalize(ref_text, dim=-1)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        module = torch.jit.load(path, map_location=device).eval()
        with torch.no_grad():
            image = F.normalize(module.get_image_features(pixels.to(device)), dim=-1).cpu()
            text = F.normalize(module.get_text_features(ids.to(device), mask.to(device)), dim=-1).cpu()
        diff = max((image - expected_image).abs().max().item(), (text - expected_text).abs().max().item())
        print(f"{device}: max |difference| to {args.source} after L2 normalisation: {diff:.2e}")
        if diff > 1e-3:
            raise SystemExit(f"exported model disagrees with the source on {device} ({diff:.2e})")
    print(f"exported {name} to {args.out_dir}")


# ----------------------------------------------------------------------------------------------------------------
# pack
# ----------------------------------------------------------------------------------------------------------------

def cmd_pack(args) -> None:
    read_descriptor(args.model_dir)
    with zipfile.ZipFile(args.zip, "w", zipfile.ZIP_STORED) as z:
        for name in sorted(os.listdir(args.model_dir)):
            path = os.path.join(args.model_dir, name)
            if os.path.isfile(path):
                z.write(path, name)
    digest = hashlib.sha256()
    with open(args.zip, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    print(f"{args.zip}: use it as --model URL#sha256={digest.hexdigest()}")


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    tiny = commands.add_parser("tiny", help="write a seeded random-weight CLIP: the tiny test fixture by default; "
                               "ViT-B/32-sized for benchmarks with --dim 512 --width 512 --text-layers 12 "
                               "--text-heads 8 --vision-width 768 --vision-layers 12 --vision-heads 12")
    tiny.add_argument("out_dir")
    tiny.add_argument("--seed", type=int, default=0)
    tiny.add_argument("--dim", type=int, default=64, help="embedding dimension (default 64)")
    tiny.add_argument("--width", type=int, default=64, help="transformer width of both towers (default 64)")
    tiny.add_argument("--vision-width", type=int, default=0, help="image tower width (default: --width)")
    tiny.add_argument("--text-layers", type=int, default=2, help="text transformer layers (default 2)")
    tiny.add_argument("--vision-layers", type=int, default=1, help="image transformer layers (default 1)")
    tiny.add_argument("--text-heads", type=int, default=4, help="text attention heads (default 4)")
    tiny.add_argument("--vision-heads", type=int, default=4, help="image attention heads (default 4)")
    tiny.add_argument("--merges", type=int, default=400, help="BPE merges learned from the built-in text")
    tiny.add_argument("--full-context", action="store_true",
                      help="add the whole position table as OpenAI's original clip does, so that the text tower "
                           "takes full-length token rows only (text_padding max_length)")
    tiny.set_defaults(run=cmd_tiny)

    reference = commands.add_parser("reference", help="write Java parity reference data for a model directory")
    reference.add_argument("model_dir")
    reference.add_argument("out_dir")
    reference.add_argument("--seed", type=int, default=1234)
    reference.add_argument("--images", type=int, default=3, help="number of random pixel tensors (default 3)")
    reference.set_defaults(run=cmd_reference)

    export = commands.add_parser(
        "export", help="convert a pretrained CLIP to the imgsearch layout",
        description="Convert a pretrained CLIP into the imgsearch layout (needs PyPI/Hugging Face access).\n"
                    "  hf:        --name openai/clip-vit-base-patch32 | openai/clip-vit-large-patch14 |\n"
                    "             laion/CLIP-ViT-bigG-14-laion2B-39B-b160k   (pip install transformers)\n"
                    "  open_clip: --name ViT-B-32 --pretrained laion2b_s34b_b79k | --name ViT-L-14 --pretrained openai |\n"
                    "             --name ViT-bigG-14 --pretrained laion2b_s39b_b160k   (pip install open_clip_torch)\n"
                    "  openai:    --name ViT-B/32 | ViT-B/16 | ViT-L/14 | ViT-L/14@336px\n"
                    "             (pip install git+https://github.com/openai/CLIP.git)\n"
                    "The weights are copied into a scripted graph (device-free, any batch size), which is then\n"
                    "checked against the library's own outputs on CPU and, when present, on GPU.\n"
                    "Weights are kept in float32: ViT-bigG-14 writes a ~10 GB model.pt and needs ~25 GB of RAM.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("--from", dest="source", choices=sorted(EXPORTERS), required=True)
    export.add_argument("--name", required=True, help="Hugging Face repo id, open_clip or OpenAI clip model name")
    export.add_argument("--pretrained", help="open_clip pretrained tag")
    export.add_argument("--label", help="model name recorded in the descriptor (default: derived from --name)")
    export.add_argument("out_dir")
    export.set_defaults(run=cmd_export)

    pack = commands.add_parser("pack", help="zip a model directory and print its sha256 URL fragment")
    pack.add_argument("model_dir")
    pack.add_argument("zip")
    pack.set_defaults(run=cmd_pack)

    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
