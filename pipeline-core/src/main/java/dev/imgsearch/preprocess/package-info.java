/**
 * CLIP's image transform on decoded pixels, bit for bit as Pillow 9.4 and torchvision 0.14 compute it
 * ({@link dev.imgsearch.preprocess.ClipPreprocessor}): Pillow's resampler and mode conversions ported, and NumPy
 * output for checking parity by hand.
 */
package dev.imgsearch.preprocess;
