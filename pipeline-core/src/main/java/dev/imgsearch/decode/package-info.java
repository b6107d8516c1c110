/**
 * Encoded image bytes to the PIL mode and samples Pillow 9.4's {@code Image.open} gives the same file, one decoder per
 * container format ({@link dev.imgsearch.decode.ImageDecoder} picks it by signature); what cannot be matched exactly
 * is refused with a one-line reason naming the layout.
 */
package dev.imgsearch.decode;
